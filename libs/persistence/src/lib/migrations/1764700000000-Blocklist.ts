import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Blocklist1764700000000 implements MigrationInterface {
  name = 'Blocklist1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blocklist (
        id uuid PRIMARY KEY,
        info_hash char(40) NOT NULL,
        title varchar(1000) NOT NULL,
        reason varchar(500) NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_blocklist_info_hash ON blocklist (info_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blocklist`);
  }
}
