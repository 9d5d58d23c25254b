import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AlertSeverity } from '@sokoul/contracts';

/** Something the sentinel found wrong, from when it was raised until it was resolved. */
@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** What it is about, stable: `dependency:redis`, `disk:library`, `service:scout`. One open alert per key. */
  @Column({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'varchar', length: 10 })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 2000 })
  detail!: string;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
