import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

/** A file in the library, filed under the naming scheme by the hunter's import. */
@Entity({ name: 'library_files' })
export class LibraryFileEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'download_id', type: 'uuid', nullable: true })
  downloadId!: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  media!: Record<string, unknown> | null;

  /** Relative to the library root, `/`-separated. */
  @Column({ name: 'relative_path', type: 'varchar', length: 4096 })
  relativePath!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  /** Null for the moment between a hard link and its hash being recorded. */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  quality!: string | null;

  @Column({ name: 'import_method', type: 'varchar', length: 16 })
  importMethod!: 'hardlink' | 'copy';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
