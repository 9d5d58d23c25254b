import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every Sokoul process contends for the same lock. */
const MIGRATION_LOCK_KEY = 7_461_221_001;

/**
 * Applies pending migrations under a Postgres advisory lock, so replicas starting together
 * run them once: the first holds the lock and migrates, the others wait, then find nothing
 * to do. Creates the configured schema first.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema ?? 'public';
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK_KEY]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
