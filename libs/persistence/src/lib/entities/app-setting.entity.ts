import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Installation-wide settings an admin changes at run time (registration mode, …). */
@Entity({ name: 'app_settings' })
export class AppSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
