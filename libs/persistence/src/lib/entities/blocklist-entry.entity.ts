import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A torrent never to grab again (a fake, a wrong file list, a user's "not this one"), by info-hash. */
@Entity({ name: 'blocklist' })
export class BlocklistEntryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'info_hash', type: 'char', length: 40 })
  infoHash!: string;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** Who blocked it; null when a worker did (the hunter refusing a torrent's file list). */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
