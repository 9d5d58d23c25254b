import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SearchStatus } from '@sokoul/contracts';

export type MetadataStatus = 'identified' | 'not-found' | 'unavailable' | 'not-configured';

export interface SearchMedia {
  kind: 'movie' | 'series';
  tmdbId: number | null;
  imdbId: string | null;
  tvdbId: number | null;
  title: string;
  year: number | null;
  season: number | null;
  episode: number | null;
}

export interface IndexerReport {
  indexerId: string;
  name: string;
  outcome: 'ok' | 'failed' | 'skipped';
  releases: number;
  durationMs: number;
  /** Why it failed or was skipped (timeout, backing off, rate limited, malformed feed…). */
  detail?: string;
}

@Entity({ name: 'searches' })
@Index('idx_searches_user_created', ['userId', 'createdAt'])
export class SearchEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Null until accounts arrive; then the owner (object-level authorization). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 200 })
  query!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: SearchStatus;

  @Column({ name: 'release_count', type: 'integer', default: 0 })
  releaseCount!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Which worker process completed it: shows how work was split, helps when debugging. */
  @Column({ name: 'completed_by', type: 'varchar', length: 200, nullable: true })
  completedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** The quality profile ranking its releases; null: the default profile. */
  @Column({ name: 'profile_id', type: 'uuid', nullable: true })
  profileId!: string | null;

  /** The watchlist item this search was run for, if any. */
  @Column({ name: 'watchlist_item_id', type: 'uuid', nullable: true })
  watchlistItemId!: string | null;

  /** What the title was identified as (TMDB), when it was. */
  @Column({ type: 'jsonb', nullable: true })
  media!: SearchMedia | null;

  /** How identification went: the search still runs on the text when metadata is unavailable. */
  @Column({ name: 'metadata_status', type: 'varchar', length: 16, nullable: true })
  metadataStatus!: MetadataStatus | null;

  /** Per indexer: how its query went. */
  @Column({ name: 'indexer_report', type: 'jsonb', nullable: true })
  indexerReport!: IndexerReport[] | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
