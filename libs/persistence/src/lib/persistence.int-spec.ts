import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { createDataSource, migrations } from './data-source';
import { SearchEntity } from './entities/search.entity';
import { runMigrations } from './migrate';
import { ProcessedMessageRepository } from './repositories/processed-message.repository';
import { SearchRepository } from './repositories/search.repository';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library (createTestSchema), so this spec cannot import it:
// same database setting and the same kind of per-file schema name, declared here.
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);
const namespace = `persistence_${randomBytes(5).toString('hex')}`;

/** A data source on a schema of its own that nothing has migrated yet. */
function unmigratedDataSource(schema: string, poolSize = 3): DataSource {
  return createDataSource({ url: TEST_DATABASE_URL, schema, poolSize, applicationName: `test-${schema}` });
}

async function tablesIn(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

/** Triggers and the functions they run, as `table.trigger → function`. */
async function triggersIn(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ trigger: string }> = await dataSource.query(
    `SELECT c.relname || '.' || t.tgname || ' → ' || p.proname AS trigger
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.trigger);
}

async function indexesIn(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ indexname: string }> = await dataSource.query(
    `SELECT indexname FROM pg_indexes
     WHERE schemaname = $1 AND tablename <> 'typeorm_migrations' AND indexname NOT LIKE '%_pkey'
     ORDER BY indexname`,
    [schema],
  );
  return rows.map((row) => row.indexname);
}

describe('migrations', () => {
  const schemas: string[] = [];
  const dataSources: DataSource[] = [];

  function freshDataSource(): { dataSource: DataSource; schema: string } {
    const schema = `${namespace}_m${schemas.length}`;
    const dataSource = unmigratedDataSource(schema);
    schemas.push(schema);
    dataSources.push(dataSource);
    return { dataSource, schema };
  }

  afterAll(async () => {
    for (const dataSource of dataSources.filter((d) => d.isInitialized)) {
      for (const schema of schemas) await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    }
  });

  const ALL_MIGRATIONS = migrations.map((Migration) => new Migration().name as string);
  const ALL_TABLES = [
    'alerts',
    'api_keys',
    'app_settings',
    'audit_log',
    'blocklist',
    'downloads',
    'idempotency_keys',
    'indexers',
    'invites',
    'library_files',
    'processed_messages',
    'quality_profiles',
    'refresh_tokens',
    'releases',
    'searches',
    'system_checks',
    'typeorm_migrations',
    'users',
    'watchlist_items',
  ];

  it('create the schema and its tables on a fresh schema', async () => {
    const { dataSource, schema } = freshDataSource();
    await dataSource.initialize();

    const applied = await runMigrations(dataSource);

    expect(applied).toEqual(['InitialSchema1764000000000', 'Accounts1764100000000', 'ApiKeys1764200000000', 'AuditLog1764300000000', 'Invites1764400000000', 'Scout1764500000000', 'Watchlist1764600000000', 'Blocklist1764700000000', 'Downloads1764800000000', 'DownloadStreams1764800000001', 'LibraryHashRecordedAfter1764800000002', 'ReleaseVerdicts1764900000000', 'Alerts1765000000000', 'SearchChangeNotifications1765100000000', 'AccessChangeNotifications1765100000001', 'IdempotencyKeys1765200000000']);
    expect(await tablesIn(dataSource, schema)).toEqual(ALL_TABLES);
    expect(await triggersIn(dataSource, schema)).toEqual([
      'api_keys.api_keys_changed → notify_row_changed',
      'api_keys.api_keys_deleted → notify_row_changed',
      'searches.searches_changed → notify_row_changed',
      'users.users_changed → notify_row_changed',
    ]);
    expect(await indexesIn(dataSource, schema)).toEqual([
      'idx_alerts_raised',
      'idx_api_keys_user',
      'idx_audit_log_action',
      'idx_audit_log_actor',
      'idx_downloads_claimable',
      'idx_downloads_created',
      'idx_downloads_user_created',
      'idx_idempotency_keys_expires',
      'idx_invites_created_at',
      'idx_library_files_download',
      'idx_library_files_unhashed',
      'idx_library_files_user_created',
      'idx_processed_messages_processed_at',
      'idx_refresh_tokens_family',
      'idx_refresh_tokens_user',
      'idx_releases_search_rank',
      'idx_searches_user_created',
      'idx_watchlist_due',
      'idx_watchlist_user_created',
      'uq_alerts_open_key',
      'uq_api_keys_hash',
      'uq_blocklist_info_hash',
      'uq_downloads_active_info_hash',
      'uq_downloads_request',
      'uq_indexers_name',
      'uq_invites_code_hash',
      'uq_library_files_path',
      'uq_quality_profiles_default',
      'uq_quality_profiles_name',
      'uq_refresh_tokens_hash',
      'uq_releases_search_dedupe',
      'uq_users_email',
      'uq_users_username',
      'uq_watchlist_user_title',
    ]);
  });

  it('apply nothing the second time they run', async () => {
    const { dataSource, schema } = freshDataSource();
    await dataSource.initialize();
    await runMigrations(dataSource);

    const second = await runMigrations(dataSource);

    expect(second).toEqual([]);
    expect(await tablesIn(dataSource, schema)).toContain('searches');
  });

  it('revert cleanly with undoLastMigration, one at a time, and apply again afterwards', async () => {
    const { dataSource, schema } = freshDataSource();
    await dataSource.initialize();
    await runMigrations(dataSource);

    await dataSource.undoLastMigration({ transaction: 'each' });
    // The last migration (IdempotencyKeys) made a table; the two before (AccessChangeNotifications,
    // SearchChangeNotifications) triggers; the one before those (Alerts) two tables.
    expect(await tablesIn(dataSource, schema)).toEqual(ALL_TABLES.filter((t) => t !== 'idempotency_keys'));
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await triggersIn(dataSource, schema)).toEqual(['searches.searches_changed → notify_row_changed']);
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await triggersIn(dataSource, schema)).toEqual([]);
    expect(await dataSource.query(`SELECT proname FROM pg_proc WHERE pronamespace = $1::regnamespace`, [schema])).toEqual([]);
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tablesIn(dataSource, schema)).toEqual(ALL_TABLES.filter((t) => t !== 'alerts' && t !== 'system_checks' && t !== 'idempotency_keys'));
    for (let i = 4; i < ALL_MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });

    expect(await tablesIn(dataSource, schema)).toEqual(['typeorm_migrations']);
    expect(await indexesIn(dataSource, schema)).toEqual([]);
    expect(await dataSource.query(`SELECT * FROM typeorm_migrations`)).toEqual([]);
    expect(await runMigrations(dataSource)).toEqual(ALL_MIGRATIONS);
    expect(await tablesIn(dataSource, schema)).toEqual(ALL_TABLES);
    expect(await triggersIn(dataSource, schema)).toHaveLength(4);
  });

  it('run once when several replicas start together on the same schema', async () => {
    const { dataSource: first, schema } = freshDataSource();
    const second = unmigratedDataSource(schema);
    dataSources.push(second);
    await Promise.all([first.initialize(), second.initialize()]);

    const applied = await Promise.all([runMigrations(first), runMigrations(second)]);

    expect(applied.flat()).toEqual(ALL_MIGRATIONS);
    expect(await first.query(`SELECT name FROM typeorm_migrations ORDER BY id`)).toEqual(ALL_MIGRATIONS.map((name) => ({ name })));
  });
});

describe('repositories', () => {
  let dataSource: DataSource;
  let processed: ProcessedMessageRepository;
  let searches: SearchRepository;

  beforeAll(async () => {
    dataSource = await unmigratedDataSource(namespace, 6).initialize();
    await runMigrations(dataSource);
    processed = new ProcessedMessageRepository(dataSource);
    searches = new SearchRepository(dataSource);
  });

  afterAll(async () => {
    if (!dataSource?.isInitialized) return;
    await dataSource.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await dataSource.destroy();
  });

  async function searchRows(id: string): Promise<number> {
    return dataSource.getRepository(SearchEntity).countBy({ id });
  }

  describe('ProcessedMessageRepository.once', () => {
    it('runs the effect once for the same consumer and message, even when 5 deliveries race', async () => {
      const messageId = `search.requested:${randomUUID()}`;
      const searchId = randomUUID();
      let runs = 0;

      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          processed.once('scout-sokoul_search_requested', messageId, async (tx) => {
            runs++;
            await tx.getRepository(SearchEntity).insert({ id: searchId, userId: null, query: 'Heat', status: 'queued' });
            // Hold the transaction open so the other deliveries wait on the record's key.
            await new Promise((resolve) => setTimeout(resolve, 200));
            return 'effect-done';
          }),
        ),
      );

      expect(runs).toBe(1);
      expect(results.filter((r) => r.applied)).toEqual([{ applied: true, result: 'effect-done' }]);
      expect(results.filter((r) => !r.applied)).toHaveLength(4);
      expect(await processed.count('scout-sokoul_search_requested', messageId)).toBe(1);
      expect(await searchRows(searchId)).toBe(1);
    });

    it('does not run the effect again for a redelivery that comes later', async () => {
      const messageId = randomUUID();
      const effect = jest.fn(async () => 'done');

      const first = await processed.once('scout', messageId, effect);
      const again = await processed.once('scout', messageId, effect);

      expect(first).toEqual({ applied: true, result: 'done' });
      expect(again).toEqual({ applied: false });
      expect(effect).toHaveBeenCalledTimes(1);
    });

    it('runs the effect again for another consumer of the same message', async () => {
      const messageId = randomUUID();
      const effect = jest.fn(async () => 'done');

      await processed.once('gateway-sokoul_search_completed', messageId, effect);
      const other = await processed.once('sentinel-sokoul_search_completed', messageId, effect);

      expect(other).toEqual({ applied: true, result: 'done' });
      expect(effect).toHaveBeenCalledTimes(2);
    });

    it('rolls back the record with an effect that throws, so a retry applies it', async () => {
      const messageId = randomUUID();
      const searchId = randomUUID();

      const failed = processed.once('scout', messageId, async (tx) => {
        await tx.getRepository(SearchEntity).insert({ id: searchId, userId: null, query: 'Ronin', status: 'queued' });
        throw new Error('indexer unreachable');
      });

      await expect(failed).rejects.toThrow('indexer unreachable');
      expect(await processed.count('scout', messageId)).toBe(0);
      expect(await searchRows(searchId)).toBe(0);

      const retried = await processed.once('scout', messageId, async (tx) => {
        await tx.getRepository(SearchEntity).insert({ id: searchId, userId: null, query: 'Ronin', status: 'queued' });
        return 'applied';
      });

      expect(retried).toEqual({ applied: true, result: 'applied' });
      expect(await processed.count('scout', messageId)).toBe(1);
      expect(await searchRows(searchId)).toBe(1);
    });
  });

  describe('SearchRepository', () => {
    const outcome = { status: 'completed' as const, releaseCount: 12, completedBy: 'scout-1234-abcd' };

    it('creates a queued search with no release yet', async () => {
      const id = randomUUID();

      const created = await searches.create({ id, userId: null, query: 'Arrival' });

      expect(created).toMatchObject({ id, userId: null, query: 'Arrival', status: 'queued', releaseCount: 0 });
      expect(await searches.findById(id)).toMatchObject({ status: 'queued', startedAt: null, completedAt: null });
    });

    it('moves a queued search to running, keeping the first start time on a redelivery', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Arrival' });

      const running = await searches.markRunning(id);
      const again = await searches.markRunning(id);

      expect(running).toMatchObject({ status: 'running' });
      expect(running?.startedAt).toBeInstanceOf(Date);
      expect(again?.startedAt).toEqual(running?.startedAt);
    });

    it('records the outcome when a running search finishes', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Sicario' });
      await searches.markRunning(id);

      const finished = await searches.markFinished(id, outcome);

      expect(finished).toMatchObject({ status: 'completed', releaseCount: 12, completedBy: 'scout-1234-abcd', error: null });
      expect(finished?.completedAt).toBeInstanceOf(Date);
    });

    it('records the error of a failed search', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Sicario' });

      const failed = await searches.markFinished(id, { status: 'failed', releaseCount: 0, error: 'timeout', completedBy: 'scout-1' });

      expect(failed).toMatchObject({ status: 'failed', error: 'timeout' });
    });

    it('never moves a completed search back to running (late redelivery)', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Prisoners' });
      await searches.markRunning(id);
      const finished = await searches.markFinished(id, outcome);

      const afterLateStart = await searches.markRunning(id);

      expect(afterLateStart).toMatchObject({ status: 'completed', releaseCount: 12, completedBy: 'scout-1234-abcd' });
      expect(afterLateStart?.startedAt).toEqual(finished?.startedAt);
      expect(afterLateStart?.completedAt).toEqual(finished?.completedAt);
    });

    it('never overwrites the outcome of a finished search', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Enemy' });
      const finished = await searches.markFinished(id, outcome);

      const second = await searches.markFinished(id, { status: 'failed', releaseCount: 0, error: 'late', completedBy: 'scout-other' });

      expect(second).toMatchObject({ status: 'completed', releaseCount: 12, completedBy: 'scout-1234-abcd', error: null });
      expect(second?.completedAt).toEqual(finished?.completedAt);
    });

    it('finishes a search in the transaction of the idempotency record, both or neither', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Dune' });
      const messageId = randomUUID();

      await expect(
        processed.once('scout', messageId, async (tx) => {
          await searches.markFinished(id, outcome, tx);
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await searches.findById(id)).toMatchObject({ status: 'queued', completedAt: null });

      await processed.once('scout', messageId, (tx) => searches.markFinished(id, outcome, tx));
      expect(await searches.findById(id)).toMatchObject({ status: 'completed' });
      expect(await processed.count('scout', messageId)).toBe(1);
    });

    it('returns null for a search that does not exist, and deletes one that does', async () => {
      const { id } = await searches.create({ id: randomUUID(), userId: null, query: 'Zodiac' });

      await searches.delete(id);

      expect(await searches.findById(id)).toBeNull();
      expect(await searches.markRunning(id)).toBeNull();
    });
  });
});
