import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotifiedCache, SEARCH_CHANGED_CHANNEL, SearchRepository, createDataSource } from '@sokoul/persistence';
import { createTestSchema, eventually, testEnvironment } from '@sokoul/testing';
import { SearchReadCache } from './search-read-cache';

jest.setTimeout(30_000);

describe('SearchReadCache (real Postgres, LISTEN/NOTIFY)', () => {
  const schema = `search_cache_${randomBytes(5).toString('hex')}`;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  /** Another service's connections (the scout's): its writes reach the cache only as notifications. */
  let elsewhere: DataSource;
  let repository: SearchRepository;
  let databaseReads: jest.SpyInstance;
  let cache: SearchReadCache;

  const newSearch = async () => (await new SearchRepository(elsewhere).create({ id: randomUUID(), userId: null, query: 'Dune 2021' })).id;
  /** Pids of the cache's listening connection. */
  const listenerPids = async () =>
    (await elsewhere.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [`test-${schema}`])).map((row: { pid: number }) => row.pid);

  beforeAll(async () => {
    ({ dataSource, drop } = await createTestSchema(schema));
    elsewhere = createDataSource({ url: testEnvironment.TEST_DATABASE_URL, schema, poolSize: 2, applicationName: `scout-${schema}` });
    await elsewhere.initialize();
  });

  beforeEach(async () => {
    repository = new SearchRepository(dataSource);
    databaseReads = jest.spyOn(repository, 'findById');
    cache = new SearchReadCache(repository, dataSource);
    await cache.onModuleInit();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await cache.onModuleDestroy();
  });

  afterAll(async () => {
    await elsewhere.destroy();
    await drop();
  });

  it('reads a search from Postgres once while it does not change', async () => {
    const id = await newSearch();

    const reads = [await cache.findById(id), await cache.findById(id), await cache.findById(id)];

    expect(reads.map((search) => search?.status)).toEqual(['queued', 'queued', 'queued']);
    expect(databaseReads).toHaveBeenCalledTimes(1);
  });

  it('serves the new state once another service committed a change to the search', async () => {
    const id = await newSearch();
    await cache.findById(id);

    await new SearchRepository(elsewhere).markRunning(id);

    await eventually(async () => expect((await cache.findById(id))?.status).toBe('running'));
    await new SearchRepository(elsewhere).markFinished(id, { status: 'completed', releaseCount: 4, completedBy: 'scout-1' });
    await eventually(async () => expect(await cache.findById(id)).toMatchObject({ status: 'completed', releaseCount: 4 }));
  });

  it('forgets a deleted search', async () => {
    const id = await newSearch();
    await cache.findById(id);

    await elsewhere.query(`DELETE FROM searches WHERE id = $1`, [id]);

    await eventually(async () => expect(await cache.findById(id)).toBeNull());
  });

  it('does not keep "not found": a search created after a miss is found', async () => {
    const id = randomUUID();
    expect(await cache.findById(id)).toBeNull();

    await new SearchRepository(elsewhere).create({ id, userId: null, query: 'Arrival' });

    expect(await cache.findById(id)).toMatchObject({ id, query: 'Arrival' });
  });

  it('ignores changes announced for the same id in another schema (another installation on the same server)', async () => {
    const [a, b] = [await newSearch(), await newSearch()];
    await cache.findById(a);
    await cache.findById(b);
    const heard = jest.spyOn(NotifiedCache.prototype as unknown as { changed: (payload: string) => void }, 'changed');

    const otherSchema = `${schema.slice(0, -1)}${schema.endsWith('x') ? 'y' : 'x'}`;
    await elsewhere.query(`SELECT pg_notify($1, $2)`, [SEARCH_CHANGED_CHANNEL, `${otherSchema}:${a}`]);
    await elsewhere.query(`UPDATE searches SET query = 'Arrival' WHERE id = $1`, [b]);
    // Notifications arrive in commit order: once b's is heard, the other schema's was too.
    await eventually(() => expect(heard).toHaveBeenCalledWith(`${schema}:${b}`));

    databaseReads.mockClear();
    expect((await cache.findById(a))?.query).toBe('Dune 2021');
    expect((await cache.findById(b))?.query).toBe('Arrival');
    expect(databaseReads.mock.calls).toEqual([[b]]);
  });

  it('does not keep a read that a change overtook: the change may have been committed after the row was read', async () => {
    const id = await newSearch();
    const heard = jest.spyOn(NotifiedCache.prototype as unknown as { changed: (payload: string) => void }, 'changed');
    databaseReads.mockImplementationOnce(async (searchId: string) => {
      const before = await SearchRepository.prototype.findById.call(repository, searchId);
      await new SearchRepository(elsewhere).markRunning(searchId);
      await eventually(() => expect(heard).toHaveBeenCalled());
      return before;
    });

    expect((await cache.findById(id))?.status).toBe('queued');

    expect((await cache.findById(id))?.status).toBe('running');
  });

  it('asks Postgres once when a hundred clients poll a search that is not in memory', async () => {
    const id = await newSearch();

    const reads = await Promise.all(Array.from({ length: 100 }, () => cache.findById(id)));

    expect(new Set(reads.map((search) => search?.id))).toEqual(new Set([id]));
    expect(databaseReads).toHaveBeenCalledTimes(1);
  });

  it('does not let a poll join a read that started before a change it has heard of', async () => {
    const id = await newSearch();
    const heard = jest.spyOn(NotifiedCache.prototype as unknown as { changed: (payload: string) => void }, 'changed');
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    databaseReads.mockImplementationOnce(async (searchId: string) => {
      const before = await SearchRepository.prototype.findById.call(repository, searchId);
      await held;
      return before;
    });
    const early = cache.findById(id);

    await new SearchRepository(elsewhere).markRunning(id);
    await eventually(() => expect(heard).toHaveBeenCalled());
    const late = await cache.findById(id);
    release();

    expect(late?.status).toBe('running');
    expect((await early)?.status).toBe('queued');
    expect(databaseReads).toHaveBeenCalledTimes(2);
  });

  it('reads every search from Postgres while it cannot listen, and serves nothing read before the connection was lost', async () => {
    const id = await newSearch();
    await cache.findById(id);
    const [pid] = await listenerPids();

    await elsewhere.query(`SELECT pg_terminate_backend($1)`, [pid]);
    // Changed while nobody listens: the notification is lost for good.
    await elsewhere.query(`UPDATE searches SET status = 'running' WHERE id = $1`, [id]);

    await eventually(async () => expect((await cache.findById(id))?.status).toBe('running'));
    // Listening again, on a new connection: reads are kept again.
    await eventually(async () => {
      await cache.findById(id);
      databaseReads.mockClear();
      await cache.findById(id);
      expect(databaseReads).not.toHaveBeenCalled();
    });
    expect(await listenerPids()).not.toContain(pid);
  });
});
