import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/**
 * `queued` → `downloading` ↔ `paused` → `completed` | `failed` | `cancelled`. `queued` also
 * covers a download waiting for a free slot or for its next attempt (`next_attempt_at`).
 */
export const DOWNLOAD_STATUSES = ['queued', 'downloading', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];
export const ACTIVE_DOWNLOAD_STATUSES: readonly DownloadStatus[] = ['queued', 'downloading', 'paused'];

export interface DownloadFileProgress {
  index: number;
  path: string;
  length: number;
  downloadedBytes: number;
}

/**
 * A torrent being fetched (or fetched) for a user. The row is the source of truth: the API
 * writes the wanted state (pause, resume, cancel), the hunter that holds the lease reconciles
 * its BitTorrent client with it on every tick, so any hunter can take over after a crash.
 * `sourceUrl` may carry an indexer's API key: it never leaves the backend.
 */
@Entity({ name: 'downloads' })
export class DownloadEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** One per decision (a user's POST, a watchlist grab): a repeated request finds this row. */
  @Column({ name: 'request_id', type: 'varchar', length: 200 })
  requestId!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'release_id', type: 'uuid', nullable: true })
  releaseId!: string | null;

  @Column({ name: 'search_id', type: 'uuid', nullable: true })
  searchId!: string | null;

  @Column({ name: 'watchlist_item_id', type: 'uuid', nullable: true })
  watchlistItemId!: string | null;

  /** Null only until a `.torrent` URL has been fetched. */
  @Column({ name: 'info_hash', type: 'char', length: 40, nullable: true })
  infoHash!: string | null;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  @Column({ type: 'jsonb', nullable: true })
  media!: Record<string, unknown> | null;

  /** The size the indexer announced: the file list must not be far from it. */
  @Column({ name: 'claimed_size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  claimedSizeBytes!: number | null;

  @Column({ name: 'source_url', type: 'text', select: false })
  sourceUrl!: string;

  /** The .torrent once known: a restart re-adds it without asking peers for metadata again. */
  @Column({ type: 'bytea', nullable: true, select: false })
  metainfo!: Buffer | null;

  @Column({ type: 'varchar', length: 16 })
  client!: 'embedded' | 'transmission' | 'qbittorrent';

  @Column({ type: 'varchar', length: 16 })
  status!: DownloadStatus;

  /** Set with `cancelled`: the hunter also deletes what was downloaded. */
  @Column({ name: 'delete_data', type: 'boolean', default: false })
  deleteData!: boolean;

  @Column({ name: 'selected_files', type: 'integer', array: true, nullable: true })
  selectedFiles!: number[] | null;

  @Column({ name: 'total_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  totalBytes!: number | null;

  @Column({ name: 'downloaded_bytes', type: 'bigint', default: 0, transformer: bigintAsNumber })
  downloadedBytes!: number;

  @Column({ name: 'uploaded_bytes', type: 'bigint', default: 0, transformer: bigintAsNumber })
  uploadedBytes!: number;

  @Column({ name: 'download_speed', type: 'bigint', default: 0, transformer: bigintAsNumber })
  downloadSpeed!: number;

  @Column({ type: 'integer', default: 0 })
  peers!: number;

  @Column({ name: 'eta_seconds', type: 'integer', nullable: true })
  etaSeconds!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  files!: DownloadFileProgress[] | null;

  /** Why it failed or was refused, as a stable code (`executable`, `no-peers`, `wrong-title`…). */
  @Column({ name: 'failure_code', type: 'varchar', length: 40, nullable: true })
  failureCode!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** The hunter instance working on it, while `leaseUntil` is in the future. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 200, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** The base URL of that hunter, where the gateway fetches a file of the download while it arrives. */
  @Column({ name: 'served_from', type: 'varchar', length: 500, nullable: true })
  servedFrom!: string | null;

  /** Completed and still seeding (until the ratio or time limit). */
  @Column({ type: 'boolean', default: false })
  seeding!: boolean;

  @Column({ name: 'last_progress_at', type: 'timestamptz', nullable: true })
  lastProgressAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
