import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ACTIVE_DOWNLOAD_STATUSES, DownloadEntity, type DownloadStatus } from '../entities/download.entity';
import { LibraryFileEntity } from '../entities/library-file.entity';
import type { Transaction } from './processed-message.repository';

export interface NewDownload {
  id: string;
  requestId: string;
  userId: string | null;
  releaseId: string | null;
  searchId: string | null;
  watchlistItemId: string | null;
  infoHash: string | null;
  title: string;
  media: Record<string, unknown> | null;
  claimedSizeBytes: number | null;
  sourceUrl: string;
  client: DownloadEntity['client'];
  /** A request refused before it started is stored failed, so its owner sees why. */
  status?: Extract<DownloadStatus, 'queued' | 'failed'>;
  failureCode?: string;
  error?: string;
}

export type DownloadRequestOutcome =
  | { outcome: 'created'; download: DownloadEntity }
  /** The same request seen before (a retry, a redelivery): its download, unchanged. */
  | { outcome: 'repeated'; download: DownloadEntity }
  /** Another active download already fetches this torrent. */
  | { outcome: 'already-active'; download: DownloadEntity };

export type DownloadProgressChanges = Partial<
  Pick<DownloadEntity, 'status' | 'totalBytes' | 'downloadedBytes' | 'uploadedBytes' | 'downloadSpeed' | 'peers' | 'etaSeconds' | 'files' | 'selectedFiles' | 'lastProgressAt' | 'startedAt' | 'completedAt' | 'seeding' | 'failureCode' | 'error' | 'attempts' | 'nextAttemptAt' | 'infoHash' | 'metainfo'>
>;

export interface NewLibraryFile {
  id: string;
  relativePath: string;
  sizeBytes: number;
  sha256: string | null;
  quality: string | null;
  importMethod: 'hardlink' | 'copy';
}

const ACTIVE = [...ACTIVE_DOWNLOAD_STATUSES];

function violated(error: unknown, constraint: string): boolean {
  return (error as { constraint?: string }).constraint === constraint;
}

@Injectable()
export class DownloadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return (tx ?? this.dataSource.manager).getRepository(DownloadEntity);
  }

  /**
   * Records a download request exactly once per `requestId`; a torrent already being fetched
   * is not fetched twice (a partial unique index decides, so concurrent gateways and hunters
   * cannot both win).
   */
  async request(download: NewDownload): Promise<DownloadRequestOutcome> {
    const existing = await this.repo().findOneBy({ requestId: download.requestId });
    if (existing) return { outcome: 'repeated', download: existing };
    try {
      const inserted = await this.repo().createQueryBuilder().insert().values({ status: 'queued', ...download } as QueryDeepPartialEntity<DownloadEntity>)
        // Only a repeated request is ignored: an active download of the same torrent must raise.
        .onConflict('(request_id) DO NOTHING')
        .returning(['id'])
        .execute();
      const row = await this.repo().findOneByOrFail({ requestId: download.requestId });
      return { outcome: inserted.raw.length > 0 ? 'created' : 'repeated', download: row };
    } catch (error) {
      if (!violated(error, 'uq_downloads_active_info_hash') || !download.infoHash) throw error;
      const active = await this.findActiveByInfoHash(download.infoHash);
      if (!active) return this.request(download);
      return { outcome: 'already-active', download: active };
    }
  }

  findById(id: string): Promise<DownloadEntity | null> {
    return this.repo().findOneBy({ id });
  }

  findActiveByInfoHash(infoHash: string): Promise<DownloadEntity | null> {
    return this.repo().createQueryBuilder('d').where('d.info_hash = :infoHash AND d.status IN (:...active)', { infoHash, active: ACTIVE }).getOne();
  }

  /** What the hunter needs to fetch it: the source URL and the stored .torrent, never selected by default. */
  async sourceOf(id: string): Promise<{ sourceUrl: string; metainfo: Buffer | null } | null> {
    const row = await this.repo().createQueryBuilder('d').select(['d.id', 'd.sourceUrl', 'd.metainfo']).where('d.id = :id', { id }).getOne();
    return row ? { sourceUrl: row.sourceUrl, metainfo: row.metainfo } : null;
  }

  /** Newest first, a page at a time; `userId` null lists everyone's. */
  listPage(userId: string | null, limit: number, after?: { createdAt: Date; id: string }, status?: DownloadStatus): Promise<DownloadEntity[]> {
    const query = this.repo().createQueryBuilder('d').orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC').take(limit);
    if (userId) query.andWhere('d.user_id = :userId', { userId });
    if (status) query.andWhere('d.status = :status', { status });
    if (after) {
      query.andWhere('(d.created_at, d.id) < (COALESCE((SELECT c.created_at FROM downloads c WHERE c.id = :id), :createdAt), :id)', {
        createdAt: after.createdAt,
        id: after.id,
      });
    }
    return query.getMany();
  }

  /**
   * A wanted-state change from the API (pause, resume, cancel): applied only from the given
   * states, so it never overrides a download that finished meanwhile. Returns the row after.
   */
  async transition(id: string, from: readonly DownloadStatus[], to: DownloadStatus, extra: { deleteData?: boolean } = {}): Promise<DownloadEntity | null> {
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: to, ...(to === 'queued' ? { nextAttemptAt: () => 'now()' } : {}), ...extra })
      .where('id = :id AND status IN (:...from)', { id, from: [...from] })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  /**
   * Takes up to `slots` queued downloads that are due, for this hunter, oldest first, among those
   * whose client it has. Rows held by another live hunter are skipped; `SKIP LOCKED` keeps
   * concurrent hunters off each other.
   */
  async claimQueued(instanceId: string, servedFrom: string, clients: readonly string[], slots: number, leaseSeconds: number): Promise<DownloadEntity[]> {
    if (slots <= 0) return [];
    const rows: { id: string }[] = await this.dataSource.query(
      `UPDATE downloads SET claimed_by = $1, served_from = $4, lease_until = now() + make_interval(secs => $2), updated_at = now()
        WHERE id IN (
          SELECT id FROM downloads
           WHERE status = 'queued' AND next_attempt_at <= now() AND client = ANY($5)
             AND (claimed_by IS NULL OR claimed_by = $1 OR lease_until < now())
           ORDER BY created_at, id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [instanceId, leaseSeconds, slots, servedFrom, [...clients]],
    );
    return rows.length ? this.repo().createQueryBuilder('d').where('d.id IN (:...ids)', { ids: rows.map((r) => r.id) }).getMany() : [];
  }

  /**
   * Frees the downloads of hunters whose lease ran out (crashed, partitioned): a download in
   * progress goes back to the queue and any hunter resumes it from what is on disk.
   */
  async releaseExpired(): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE downloads
          SET status = CASE WHEN status = 'downloading' THEN 'queued' ELSE status END,
              claimed_by = NULL, lease_until = NULL, seeding = false, updated_at = now()
        WHERE claimed_by IS NOT NULL AND lease_until < now()`,
    );
    return result[1] ?? 0;
  }

  /** Everything this hunter holds: what its reconciliation loop looks at every tick. */
  held(instanceId: string): Promise<DownloadEntity[]> {
    return this.repo().createQueryBuilder('d').where('d.claimed_by = :instanceId', { instanceId }).orderBy('d.created_at').getMany();
  }

  async renewLeases(instanceId: string, leaseSeconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE downloads SET lease_until = now() + make_interval(secs => $2) WHERE claimed_by = $1`, [instanceId, leaseSeconds]);
  }

  /**
   * Writes what this hunter observed, fenced by its claim and by the status it acted on: if the
   * user paused or cancelled meanwhile, or another hunter took over, nothing is overwritten.
   */
  async record(id: string, instanceId: string, expectedStatus: DownloadStatus, changes: DownloadProgressChanges, tx?: Transaction): Promise<boolean> {
    const result = await this.repo(tx)
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id AND claimed_by = :instanceId AND status = :expectedStatus', { id, instanceId, expectedStatus })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Lets go of a download (finished, cancelled, failed, handed back to the queue). */
  async release(id: string, instanceId: string, changes: DownloadProgressChanges = {}): Promise<void> {
    await this.repo()
      .createQueryBuilder()
      .update()
      .set({ ...changes, claimedBy: null, leaseUntil: null })
      .where('id = :id AND claimed_by = :instanceId', { id, instanceId })
      .execute();
  }

  /**
   * Completes a download with the files it put in the library, in one transaction, once:
   * a hunter that crashed after importing imports again (idempotent on disk) and lands here
   * again, where the second write changes nothing.
   */
  async complete(id: string, instanceId: string, files: readonly NewLibraryFile[], changes: DownloadProgressChanges): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const download = await tx.getRepository(DownloadEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!download || download.claimedBy !== instanceId || download.status !== 'downloading') return false;
      if (files.length) {
        await tx
          .getRepository(LibraryFileEntity)
          .createQueryBuilder()
          .insert()
          .values(files.map((f) => ({ ...f, downloadId: id, userId: download.userId, media: download.media }) as QueryDeepPartialEntity<LibraryFileEntity>))
          // The row describes the file now at that path: a file deleted from disk and filed again is this one.
          .orUpdate(['download_id', 'user_id', 'media', 'size_bytes', 'sha256', 'quality', 'import_method'], ['relative_path'])
          .execute();
      }
      await tx.getRepository(DownloadEntity).update({ id }, { ...changes, status: 'completed' });
      return true;
    });
  }
}
