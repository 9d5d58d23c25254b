import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SearchStatus } from '@sokoul/contracts';

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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
