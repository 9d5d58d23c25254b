import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DownloadStreams1764800000001 implements MigrationInterface {
  name = 'DownloadStreams1764800000001';

  async up(q: QueryRunner): Promise<void> {
    // Where the hunter holding a download serves its files while they arrive.
    await q.query(`ALTER TABLE downloads ADD COLUMN served_from varchar(500)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE downloads DROP COLUMN served_from`);
  }
}
