import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

export interface RankingLine {
  code: string;
  detail: string;
  points?: number;
}

/**
 * A release a search found: merged across indexers by info-hash (or GUID when an indexer
 * gives none), parsed, and ranked against the search's quality profile. `downloadUrl` may
 * carry an indexer's API key (Jackett and Prowlarr put it there): it never leaves the backend.
 */
@Entity({ name: 'releases' })
export class ReleaseEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'search_id', type: 'uuid' })
  searchId!: string;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 300 })
  dedupeKey!: string;

  @Column({ name: 'info_hash', type: 'char', length: 40, nullable: true })
  infoHash!: string | null;

  @Column({ type: 'varchar', length: 2000 })
  guid!: string;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  /** Names of the indexers that listed it. */
  @Column({ type: 'text', array: true })
  indexers!: string[];

  /** The best priority among those indexers (1 preferred … 50), a ranking tie-breaker. */
  @Column({ name: 'indexer_priority', type: 'integer', default: 25 })
  indexerPriority!: number;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  @Column({ type: 'integer', nullable: true })
  seeders!: number | null;

  @Column({ type: 'integer', nullable: true })
  peers!: number | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'magnet_url', type: 'text', nullable: true })
  magnetUrl!: string | null;

  @Column({ name: 'download_url', type: 'text', nullable: true })
  downloadUrl!: string | null;

  @Column({ name: 'info_url', type: 'text', nullable: true })
  infoUrl!: string | null;

  @Column({ name: 'imdb_id', type: 'varchar', length: 12, nullable: true })
  imdbId!: string | null;

  @Column({ name: 'tmdb_id', type: 'integer', nullable: true })
  tmdbId!: number | null;

  @Column({ type: 'integer', array: true, default: () => "'{}'" })
  categories!: number[];

  @Column({ type: 'boolean', default: false })
  freeleech!: boolean;

  /** `ParsedRelease` from `@sokoul/release-parser`. */
  @Column({ type: 'jsonb' })
  parsed!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20 })
  quality!: string;

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'boolean' })
  accepted!: boolean;

  /** Good enough to stop looking (at or above the profile's cutoff). */
  @Column({ name: 'meets_cutoff', type: 'boolean', default: false })
  meetsCutoff!: boolean;

  @Column({ type: 'jsonb' })
  reasons!: RankingLine[];

  @Column({ type: 'jsonb' })
  rejections!: RankingLine[];

  /** The oracle's judgement: is it really what was asked for? Null until judged. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  verdict!: 'match' | 'mismatch' | 'uncertain' | null;

  @Column({ name: 'verdict_confidence', type: 'real', nullable: true })
  verdictConfidence!: number | null;

  @Column({ name: 'verdict_reasons', type: 'jsonb', nullable: true })
  verdictReasons!: string[] | null;

  /** The oracle's change to the ranking, added to `score`. */
  @Column({ name: 'score_adjustment', type: 'integer', default: 0 })
  scoreAdjustment!: number;

  /** The model that judged, or `heuristic`. */
  @Column({ name: 'judged_by', type: 'varchar', length: 200, nullable: true })
  judgedBy!: string | null;

  @Column({ name: 'judged_at', type: 'timestamptz', nullable: true })
  judgedAt!: Date | null;

  // The two below are generated columns (see migration ReleaseVerdicts): never written from here.
  // Declared without TypeORM's `generatedType`, which would add a `typeorm_metadata` table.

  /** Accepted by the profile and not judged a mismatch: ranks first. */
  @Column({ type: 'boolean', insert: false, update: false })
  grabbable!: boolean;

  /** `score + scoreAdjustment`: the ranking within a tier. */
  @Column({ name: 'rank_score', type: 'integer', insert: false, update: false })
  rankScore!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
