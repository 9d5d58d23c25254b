import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LibraryFileEntity } from '../entities/library-file.entity';

@Injectable()
export class LibraryFileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(LibraryFileEntity);
  }

  findById(id: string): Promise<LibraryFileEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** Records the hash of the file at that path (once: a later import of the same path sets its own). */
  async recordHash(relativePath: string, sha256: string): Promise<void> {
    await this.repo.createQueryBuilder().update().set({ sha256 }).where('relative_path = :relativePath AND sha256 IS NULL', { relativePath }).execute();
  }

  /** Files whose hash a crashed hunter never recorded, oldest first. */
  unhashed(olderThanSeconds: number, limit: number): Promise<LibraryFileEntity[]> {
    return this.repo
      .createQueryBuilder('f')
      .where('f.sha256 IS NULL AND f.created_at < now() - make_interval(secs => :s)', { s: olderThanSeconds })
      .orderBy('f.created_at')
      .take(limit)
      .getMany();
  }

  ofDownload(downloadId: string): Promise<LibraryFileEntity[]> {
    return this.repo.find({ where: { downloadId }, order: { relativePath: 'ASC' } });
  }

  /** Newest first, a page at a time; `userId` null lists everyone's. */
  listPage(userId: string | null, limit: number, after?: { createdAt: Date; id: string }): Promise<LibraryFileEntity[]> {
    const query = this.repo.createQueryBuilder('f').orderBy('f.created_at', 'DESC').addOrderBy('f.id', 'DESC').take(limit);
    if (userId) query.andWhere('f.user_id = :userId', { userId });
    if (after) {
      query.andWhere('(f.created_at, f.id) < (COALESCE((SELECT c.created_at FROM library_files c WHERE c.id = :id), :createdAt), :id)', {
        createdAt: after.createdAt,
        id: after.id,
      });
    }
    return query.getMany();
  }
}
