import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@sokoul/persistence';
import { testEnvironment } from './test-environment';

/** A fresh Postgres schema with every migration applied, dropped again by `drop()`. */
export async function createTestSchema(schema: string): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const dataSource = createDataSource({ url: testEnvironment.TEST_DATABASE_URL, schema, poolSize: 5, applicationName: `test-${schema}` });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}
