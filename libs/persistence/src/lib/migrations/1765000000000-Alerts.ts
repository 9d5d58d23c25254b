import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1765000000000 implements MigrationInterface {
  name = 'Alerts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        key varchar(300) NOT NULL,
        severity varchar(10) NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
        title varchar(300) NOT NULL,
        detail varchar(2000) NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    // One open alert per thing, whichever sentinel replica saw it first.
    await q.query(`CREATE UNIQUE INDEX uq_alerts_open_key ON alerts (key) WHERE resolved_at IS NULL`);
    await q.query(`CREATE INDEX idx_alerts_raised ON alerts (raised_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE system_checks (
        key varchar(300) PRIMARY KEY,
        ok boolean NOT NULL,
        severity varchar(10) NOT NULL,
        title varchar(300) NOT NULL,
        detail varchar(2000) NOT NULL,
        checked_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_checks`);
    await q.query(`DROP TABLE alerts`);
  }
}
