import { JsonLogger } from '@sokoul/observability';
import { type DatabaseOptions, createDataSource, runMigrations } from '@sokoul/persistence';

/**
 * `node main.js migrate`: applies pending migrations and exits (0 on success). Meant for a
 * one-off job before a rollout, so replicas never race to migrate.
 */
export async function migrateAndExit(service: string, options: DatabaseOptions): Promise<never> {
  const logger = new JsonLogger({ service });
  const dataSource = createDataSource(options);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.log({ msg: applied.length ? `applied ${applied.join(', ')}` : 'database schema is up to date', schema: options.schema }, 'Migrations');
    await dataSource.destroy();
    logger.flush();
    process.exit(0);
  } catch (error) {
    logger.fatal(error as Error, 'Migrations');
    logger.flush();
    process.exit(1);
  }
}
