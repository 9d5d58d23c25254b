import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What `t=caps` said the indexer supports, as stored after a test. */
export type IndexerCapabilities = Record<string, unknown>;

/** A Torznab indexer (Prowlarr, Jackett or native); its API key is stored encrypted. */
@Entity({ name: 'indexers' })
export class IndexerEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  @Column({ name: 'api_key_encrypted', type: 'text' })
  apiKeyEncrypted!: string;

  /** Torznab categories to search (2000 movies, 5000 TV, …); empty means the indexer's defaults. */
  @Column({ type: 'integer', array: true, default: () => "'{}'" })
  categories!: number[];

  /** 1 (preferred) to 50, as in Prowlarr: a tie-breaker between equal releases. */
  @Column({ type: 'integer', default: 25 })
  priority!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  capabilities!: IndexerCapabilities | null;

  @Column({ name: 'capabilities_checked_at', type: 'timestamptz', nullable: true })
  capabilitiesCheckedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
