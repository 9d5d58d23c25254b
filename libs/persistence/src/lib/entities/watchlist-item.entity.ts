import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * `wanted`: searched on schedule; `grabbing`: a release meeting the cutoff was chosen and its
 * download requested (exactly once); `grabbed`: the hunter confirmed it; `paused`: not searched.
 */
export type WatchlistStatus = 'wanted' | 'grabbing' | 'grabbed' | 'paused';

/** A title a user wants: searched on a jittered schedule, downloaded when good enough. */
@Entity({ name: 'watchlist_items' })
export class WatchlistItemEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'movie' | 'series';

  @Column({ name: 'tmdb_id', type: 'integer' })
  tmdbId!: number;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'integer', nullable: true })
  year!: number | null;

  @Column({ type: 'integer', nullable: true })
  season!: number | null;

  @Column({ type: 'integer', nullable: true })
  episode!: number | null;

  @Column({ name: 'profile_id', type: 'uuid', nullable: true })
  profileId!: string | null;

  @Column({ name: 'auto_download', type: 'boolean', default: true })
  autoDownload!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'wanted' })
  status!: WatchlistStatus;

  @Column({ name: 'next_search_at', type: 'timestamptz' })
  nextSearchAt!: Date;

  @Column({ name: 'last_searched_at', type: 'timestamptz', nullable: true })
  lastSearchedAt!: Date | null;

  @Column({ name: 'last_search_id', type: 'uuid', nullable: true })
  lastSearchId!: string | null;

  @Column({ name: 'grabbed_release_id', type: 'uuid', nullable: true })
  grabbedReleaseId!: string | null;

  @Column({ name: 'grabbed_at', type: 'timestamptz', nullable: true })
  grabbedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
