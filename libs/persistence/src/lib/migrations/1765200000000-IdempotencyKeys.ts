import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key` records move from Redis to Postgres: a key outlives a lost Redis, and a
 * keyed request no longer depends on a second store. Expired rows are purged by the gateway.
 */
export class IdempotencyKeys1765200000000 implements MigrationInterface {
  name = 'IdempotencyKeys1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        store_key varchar(700) PRIMARY KEY,
        fingerprint char(64) NOT NULL,
        state varchar(8) NOT NULL CHECK (state IN ('pending', 'done')),
        status integer,
        body jsonb,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX idx_idempotency_keys_expires ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
