import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AlertSeverity } from '@sokoul/contracts';

/** The latest outcome of one of the sentinel's checks: what `GET /api/v1/system/status` shows. */
@Entity({ name: 'system_checks' })
export class SystemCheckEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'boolean' })
  ok!: boolean;

  /** How bad it is when not ok. */
  @Column({ type: 'varchar', length: 10 })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 2000 })
  detail!: string;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;
}
