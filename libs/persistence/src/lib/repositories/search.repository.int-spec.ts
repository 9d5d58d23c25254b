import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { createDataSource } from '../data-source';
import { SearchEntity } from '../entities/search.entity';
import { runMigrations } from '../migrate';
import { SearchRepository } from './search.repository';
import { UserRepository } from './user.repository';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library, so this spec cannot import it (see persistence.int-spec.ts).
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);
const schema = `search_repo_${randomBytes(5).toString('hex')}`;
let dataSource: DataSource;
let searches: SearchRepository;

beforeAll(async () => {
  dataSource = createDataSource({ url: TEST_DATABASE_URL, schema, poolSize: 3, applicationName: `test-${schema}` });
  await dataSource.initialize();
  await runMigrations(dataSource);
  searches = new SearchRepository(dataSource);
});

afterAll(async () => {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await dataSource.destroy();
});

describe('SearchRepository.findById (a prepared statement, not the query builder)', () => {
  it('returns the entity TypeORM would load, column for column and type for type', async () => {
    const owner = await new UserRepository(dataSource).createWithFirstAdmin({ id: randomUUID(), username: 'owner', email: 'owner@example.test', passwordHash: '$fake$' });
    const search = await searches.create({ id: randomUUID(), userId: owner.id, query: 'dune part two' });
    await searches.markRunning(search.id);
    await searches.markFinished(search.id, {
      status: 'completed',
      releaseCount: 3,
      completedBy: 'scout-1',
      media: { kind: 'movie', tmdbId: 693134, imdbId: 'tt15239678', tvdbId: null, title: 'Dune: Part Two', year: 2024, season: null, episode: null },
      metadataStatus: 'identified',
      indexerReport: [{ indexerId: randomUUID(), name: 'Alpha', outcome: 'failed', releases: 0, durationMs: 1500, detail: 'timeout' }],
    });

    const found = await searches.findById(search.id);
    const byTypeOrm = await dataSource.getRepository(SearchEntity).findOneBy({ id: search.id });

    expect(found).toBeInstanceOf(SearchEntity);
    expect(found).toStrictEqual(byTypeOrm);
    // Every column of the entity is read: one added later must be added to the statement too.
    const columns = dataSource.getMetadata(SearchEntity).columns.map((c) => c.propertyName);
    expect(Object.keys(found ?? {}).sort()).toEqual([...columns].sort());
    expect(found).toMatchObject({ status: 'completed', releaseCount: 3, watchlistItemId: null, error: null });
    for (const date of [found?.createdAt, found?.startedAt, found?.completedAt, found?.updatedAt]) expect(date).toBeInstanceOf(Date);
  });

  it('returns a queued search with its nulls as nulls', async () => {
    const search = await searches.create({ id: randomUUID(), userId: null, query: 'queued' });

    expect(await searches.findById(search.id)).toStrictEqual(await dataSource.getRepository(SearchEntity).findOneBy({ id: search.id }));
  });

  it('returns null for an id that is not there', async () => {
    expect(await searches.findById(randomUUID())).toBeNull();
  });

  it('answers many lookups at once over the pool (the statement is prepared on each connection)', async () => {
    const search = await searches.create({ id: randomUUID(), userId: null, query: 'concurrent' });

    const found = await Promise.all(Array.from({ length: 12 }, () => searches.findById(search.id)));

    expect(found.map((s) => s?.id)).toEqual(Array(12).fill(search.id));
  });
});
