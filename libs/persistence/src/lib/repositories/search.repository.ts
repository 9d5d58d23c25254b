import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { type IndexerReport, type MetadataStatus, SearchEntity, type SearchMedia } from '../entities/search.entity';
import { type PreparedStatement, queryPrepared } from './prepared-statement';
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

/** Where each committed update or delete of a search is announced, payload `<schema>:<id>` (migration SearchChangeNotifications). */
export const SEARCH_CHANGED_CHANNEL = 'sokoul_search_changed';

/** Every column of `SearchEntity`, as Postgres names them. */
interface SearchRow {
  id: string;
  user_id: string | null;
  query: string;
  status: SearchEntity['status'];
  release_count: number;
  error: string | null;
  completed_by: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  profile_id: string | null;
  watchlist_item_id: string | null;
  media: SearchMedia | null;
  metadata_status: MetadataStatus | null;
  indexer_report: IndexerReport[] | null;
  updated_at: Date;
}

/** Clients poll a search by id: the gateway's hottest read. A new column of the entity goes here too (the int-spec compares with TypeORM). */
const FIND_BY_ID: PreparedStatement = {
  name: 'sokoul_search_by_id',
  text: `SELECT id, user_id, query, status, release_count, error, completed_by, created_at, started_at, completed_at,
    profile_id, watchlist_item_id, media, metadata_status, indexer_report, updated_at FROM searches WHERE id = $1`,
};

function toSearchEntity(row: SearchRow): SearchEntity {
  const search = new SearchEntity();
  search.id = row.id;
  search.userId = row.user_id;
  search.query = row.query;
  search.status = row.status;
  search.releaseCount = row.release_count;
  search.error = row.error;
  search.completedBy = row.completed_by;
  search.createdAt = row.created_at;
  search.startedAt = row.started_at;
  search.completedAt = row.completed_at;
  search.profileId = row.profile_id;
  search.watchlistItemId = row.watchlist_item_id;
  search.media = row.media;
  search.metadataStatus = row.metadata_status;
  search.indexerReport = row.indexer_report;
  search.updatedAt = row.updated_at;
  return search;
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

  async findById(id: string): Promise<SearchEntity | null> {
    const [row] = await queryPrepared<SearchRow>(this.dataSource, FIND_BY_ID, [id]);
    return row ? toSearchEntity(row) : null;
  }

  /**
   * Newest first, a page at a time: `after` is the (createdAt, id) of the last row of the
   * previous page, so pages stay stable while new searches arrive. `userId` null lists everyone's.
   */
  listPage(userId: string | null, limit: number, after?: { createdAt: Date; id: string }): Promise<SearchEntity[]> {
    const query = this.repo().createQueryBuilder('s').orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').take(limit);
    if (userId) query.andWhere('s.user_id = :userId', { userId });
    // created_at has microseconds, a cursor's Date only milliseconds: compare with the row's own
    // timestamp while it exists, so rows later in the same millisecond are not skipped.
    if (after) {
      query.andWhere('(s.created_at, s.id) < (COALESCE((SELECT c.created_at FROM searches c WHERE c.id = :id), :createdAt), :id)', {
        createdAt: after.createdAt,
        id: after.id,
      });
    }
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
