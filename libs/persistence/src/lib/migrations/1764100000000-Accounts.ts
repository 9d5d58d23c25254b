import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1764100000000 implements MigrationInterface {
  name = 'Accounts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        replaced_by uuid,
        user_agent varchar(300),
        ip varchar(64),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_refresh_tokens_hash ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id)`);
    await q.query(`
      CREATE TABLE app_settings (
        key varchar(100) PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_settings`);
    await q.query(`DROP TABLE refresh_tokens`);
  }
}
