import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LibraryHashRecordedAfter1764800000002 implements MigrationInterface {
  name = 'LibraryHashRecordedAfter1764800000002';

  async up(q: QueryRunner): Promise<void> {
    // A hard-linked file is in the library before its hash is known: recorded right after.
    await q.query(`ALTER TABLE library_files ALTER COLUMN sha256 DROP NOT NULL`);
    await q.query(`CREATE INDEX idx_library_files_unhashed ON library_files (created_at) WHERE sha256 IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_library_files_unhashed`);
    await q.query(`UPDATE library_files SET sha256 = repeat('0', 64) WHERE sha256 IS NULL`);
    await q.query(`ALTER TABLE library_files ALTER COLUMN sha256 SET NOT NULL`);
  }
}
