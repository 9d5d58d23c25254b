import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { WatchlistItemEntity, type WatchlistStatus } from '../entities/watchlist-item.entity';
import type { Transaction } from './processed-message.repository';
import { UnknownQualityProfileError } from './search.repository';

export interface NewWatchlistItem {
  id: string;
  userId: string;
  kind: 'movie' | 'series';
  tmdbId: number;
  title: string;
  year: number | null;
  season: number | null;
  episode: number | null;
  profileId: string | null;
  autoDownload: boolean;
}

export type WatchlistChanges = Partial<Pick<WatchlistItemEntity, 'profileId' | 'autoDownload'>> & { status?: Extract<WatchlistStatus, 'wanted' | 'paused'> };

export class DuplicateWatchlistItemError extends Error {
  constructor() {
    super('this title is already on the watchlist');
    this.name = 'DuplicateWatchlistItemError';
  }
}

function translated(error: unknown): unknown {
  const constraint = (error as { constraint?: string }).constraint;
  if (constraint === 'uq_watchlist_user_title') return new DuplicateWatchlistItemError();
  // The profile was deleted between the caller's check and this write.
  if (constraint === 'watchlist_items_profile_id_fkey') return new UnknownQualityProfileError();
  return error;
}

@Injectable()
export class WatchlistRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return (tx ?? this.dataSource.manager).getRepository(WatchlistItemEntity);
  }

  async create(item: NewWatchlistItem): Promise<WatchlistItemEntity> {
    try {
      return await this.repo().save(this.repo().create({ ...item, status: 'wanted', nextSearchAt: new Date() }));
    } catch (error) {
      throw translated(error);
    }
  }

  findById(id: string): Promise<WatchlistItemEntity | null> {
    return this.repo().findOneBy({ id });
  }

  /** Newest first, a page at a time; `userId` null lists everyone's. */
  listPage(userId: string | null, limit: number, after?: { createdAt: Date; id: string }): Promise<WatchlistItemEntity[]> {
    const query = this.repo().createQueryBuilder('w').orderBy('w.created_at', 'DESC').addOrderBy('w.id', 'DESC').take(limit);
    if (userId) query.andWhere('w.user_id = :userId', { userId });
    // As for searches: the cursor row's own microsecond timestamp, while it exists.
    if (after) {
      query.andWhere('(w.created_at, w.id) < (COALESCE((SELECT c.created_at FROM watchlist_items c WHERE c.id = :id), :createdAt), :id)', {
        createdAt: after.createdAt,
        id: after.id,
      });
    }
    return query.getMany();
  }

  async update(id: string, changes: WatchlistChanges): Promise<WatchlistItemEntity | null> {
    if (Object.keys(changes).length > 0) {
      // Pausing or resuming never touches an item whose download is already on its way.
      await this.repo()
        .createQueryBuilder()
        .update()
        .set(changes)
        .where('id = :id AND status IN (:...open)', { id, open: ['wanted', 'paused'] })
        .execute()
        .catch((error: unknown) => {
          throw translated(error);
        });
    }
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.repo().delete({ id })).affected ?? 0) > 0;
  }

  /**
   * Claims up to `limit` wanted items that are due, pushing each one's next search
   * `intervalSeconds` (plus up to `jitterSeconds`, so a large list does not search in bursts)
   * into the future. `SKIP LOCKED`: scout replicas claiming at once each get different items.
   */
  async claimDue(limit: number, intervalSeconds: number, jitterSeconds: number): Promise<WatchlistItemEntity[]> {
    const rows = (await this.dataSource.query(
      `UPDATE watchlist_items SET next_search_at = now() + make_interval(secs => $2 + random() * $3), last_searched_at = now(), updated_at = now()
       WHERE id IN (
         SELECT id FROM watchlist_items WHERE status = 'wanted' AND next_search_at <= now()
         ORDER BY next_search_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [limit, intervalSeconds, jitterSeconds],
    )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
    const returned = Array.isArray(rows[0]) ? (rows[0] as Array<{ id: string }>) : (rows as Array<{ id: string }>);
    return returned.length === 0 ? [] : this.repo().findBy({ id: In(returned.map((r) => r.id)) });
  }

  async recordSearch(id: string, searchId: string): Promise<void> {
    await this.repo().update({ id }, { lastSearchId: searchId });
  }

  /**
   * wanted → grabbing with this release, only if still wanted: of any number of replicas and
   * redeliveries deciding to grab, exactly one wins. Run in the transaction that records the
   * decision's message as processed.
   */
  async markGrabbing(id: string, releaseId: string, tx?: Transaction): Promise<boolean> {
    const result = await this.repo(tx)
      .createQueryBuilder()
      .update()
      .set({ status: 'grabbing', grabbedReleaseId: releaseId, grabbedAt: () => 'now()' })
      .where("id = :id AND status = 'wanted'", { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * What the hunter made of the item's grab: `grabbed` once the download is accepted (the grab is
   * no longer re-sent), `wanted` again when it failed, searched at once so the next best release
   * (the failed one is now blocklisted) is grabbed. Only for the release the item grabbed: a late
   * event about an earlier grab changes nothing.
   */
  async settleGrab(id: string, releaseId: string, outcome: 'grabbed' | 'wanted'): Promise<boolean> {
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set(outcome === 'grabbed' ? { status: 'grabbed' } : { status: 'wanted', grabbedReleaseId: null, grabbedAt: null, nextSearchAt: () => 'now()' })
      .where("id = :id AND grabbed_release_id = :releaseId AND status IN ('grabbing', 'grabbed')", { id, releaseId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Items whose download was requested more than `olderThanSeconds` ago and not yet confirmed. */
  listGrabbingSince(olderThanSeconds: number): Promise<WatchlistItemEntity[]> {
    return this.repo()
      .createQueryBuilder('w')
      .where("w.status = 'grabbing' AND w.grabbed_at < now() - make_interval(secs => :s)", { s: olderThanSeconds })
      .getMany();
  }
}
