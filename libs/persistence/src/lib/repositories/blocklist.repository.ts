import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { BlocklistEntryEntity } from '../entities/blocklist-entry.entity';

export interface NewBlocklistEntry {
  id: string;
  infoHash: string;
  title: string;
  reason: string;
  createdBy: string | null;
}

@Injectable()
export class BlocklistRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(BlocklistEntryEntity);
  }

  /** Blocks the info-hash; blocking it again keeps the first entry (and its reason). */
  async add(entry: NewBlocklistEntry): Promise<void> {
    await this.repo.createQueryBuilder().insert().values(entry).orIgnore().execute();
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }

  /** Newest first, a page at a time, before the entry with id `before`. */
  async list(limit: number, before?: string): Promise<BlocklistEntryEntity[]> {
    const query = this.repo.createQueryBuilder('b').orderBy('b.created_at', 'DESC').addOrderBy('b.id', 'DESC').take(limit);
    if (before) query.where('(b.created_at, b.id) < (SELECT created_at, id FROM blocklist WHERE id = :before)', { before });
    return query.getMany();
  }

  /** Which of these info-hashes are blocked. */
  async blockedAmong(infoHashes: readonly string[]): Promise<Set<string>> {
    if (infoHashes.length === 0) return new Set();
    const rows = await this.repo.find({ select: { infoHash: true }, where: { infoHash: In([...new Set(infoHashes)]) } });
    return new Set(rows.map((r) => r.infoHash));
  }
}
