import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1764300000000 implements MigrationInterface {
  name = 'AuditLog1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        action varchar(50) NOT NULL,
        outcome varchar(10) NOT NULL CHECK (outcome IN ('ok', 'failed')),
        target_type varchar(30),
        target_id varchar(100),
        ip varchar(64),
        user_agent varchar(300),
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX idx_audit_log_action ON audit_log (action, id)`);
    await q.query(`CREATE INDEX idx_audit_log_actor ON audit_log (actor_user_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
