import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { type IndexerReport, type MetadataStatus, SearchEntity, type SearchMedia } from '../entities/search.entity';
import type { Transaction } from './processed-message.repository';

export interface NewSearch {
  id: string;
  userId: string | null;
  query: string;
  /** The quality profile to rank by; null for the default. */
  profileId?: string | null;
  watchlistItemId?: string | null;
}

export interface SearchOutcome {
  status: 'completed' | 'failed';
  releaseCount: number;
  error?: string;
  completedBy: string;
  media?: SearchMedia | null;
  metadataStatus?: MetadataStatus;
  indexerReport?: IndexerReport[];
}

/** The search names a quality profile that does not exist (any more). */
export class UnknownQualityProfileError extends Error {
  constructor() {
    super('no such quality profile');
    this.name = 'UnknownQualityProfileError';
  }
}

@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return (tx ?? this.dataSource.manager).getRepository(SearchEntity);
  }

  async create(search: NewSearch): Promise<SearchEntity> {
    const entity = this.repo().create({ ...search, profileId: search.profileId ?? null, watchlistItemId: search.watchlistItemId ?? null, status: 'queued', releaseCount: 0 });
    try {
      return await this.repo().save(entity);
    } catch (error) {
      // Deleted between the caller's check and this insert.
      if ((error as { constraint?: string }).constraint === 'searches_profile_id_fkey') throw new UnknownQualityProfileError();
      throw error;
    }
  }

  findById(id: string): Promise<SearchEntity | null> {
    return this.repo().findOneBy({ id });
  }

  /**
   * Newest first, a page at a time: `after` is the (createdAt, id) of the last row of the
   * previous page, so pages stay stable while new searches arrive. `userId` null lists everyone's.
   */
  listPage(userId: string | null, limit: number, after?: { createdAt: Date; id: string }): Promise<SearchEntity[]> {
    const query = this.repo().createQueryBuilder('s').orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').take(limit);
    if (userId) query.andWhere('s.user_id = :userId', { userId });
    if (after) query.andWhere('(s.created_at, s.id) < (:createdAt, :id)', { createdAt: after.createdAt, id: after.id });
    return query.getMany();
  }

  async delete(id: string): Promise<void> {
    await this.repo().delete({ id });
  }

  /** queued → running; a search already finished stays finished (late redelivery). */
  async markRunning(id: string): Promise<SearchEntity | null> {
    await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: 'running', startedAt: () => 'COALESCE(started_at, now())' })
      .where({ id, status: In(['queued', 'running']) })
      .execute();
    return this.findById(id);
  }

  async markFinished(id: string, outcome: SearchOutcome, tx?: Transaction): Promise<SearchEntity | null> {
    await this.repo(tx)
      .createQueryBuilder()
      .update()
      .set({
        status: outcome.status,
        releaseCount: outcome.releaseCount,
        error: outcome.error ?? null,
        completedBy: outcome.completedBy,
        media: outcome.media ?? null,
        metadataStatus: outcome.metadataStatus ?? null,
        indexerReport: outcome.indexerReport ?? null,
        completedAt: () => 'now()',
      })
      .where({ id, status: In(['queued', 'running']) })
      .execute();
    return this.repo(tx).findOneBy({ id });
  }
}
