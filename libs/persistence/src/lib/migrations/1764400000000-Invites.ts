import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Invites1764400000000 implements MigrationInterface {
  name = 'Invites1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invites (
        id uuid PRIMARY KEY,
        code_hash char(64) NOT NULL,
        email varchar(254),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by uuid REFERENCES users (id) ON DELETE SET NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_invites_code_hash ON invites (code_hash)`);
    await q.query(`CREATE INDEX idx_invites_created_at ON invites (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE invites`);
  }
}
