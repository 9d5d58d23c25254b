import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { createDataSource } from '../data-source';
import { runMigrations } from '../migrate';
import { DuplicateIndexerError, IndexerRepository } from './indexer.repository';
import { QualityProfileRepository } from './quality-profile.repository';
import { type NewRelease, ReleaseRepository } from './release.repository';
import { SearchRepository } from './search.repository';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library, so this spec cannot import it (see persistence.int-spec.ts).
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);
const schema = `scout_${randomBytes(5).toString('hex')}`;
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = createDataSource({ url: TEST_DATABASE_URL, schema, poolSize: 5, applicationName: `test-${schema}` });
  await dataSource.initialize();
  await runMigrations(dataSource);
});

afterAll(async () => {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await dataSource.destroy();
});

const release = (searchId: string, dedupeKey: string, overrides: Partial<NewRelease> = {}): NewRelease => ({
  id: randomUUID(),
  searchId,
  dedupeKey,
  infoHash: null,
  guid: `guid-${dedupeKey}`,
  title: `Dune.Part.Two.2024.${dedupeKey}`,
  indexers: ['alpha'],
  indexerPriority: 25,
  sizeBytes: 12_884_901_888,
  seeders: 10,
  peers: 12,
  publishedAt: null,
  magnetUrl: null,
  downloadUrl: null,
  infoUrl: null,
  imdbId: null,
  tmdbId: null,
  categories: [2000],
  freeleech: false,
  parsed: {},
  quality: 'WEBDL-1080p',
  score: 100,
  accepted: true,
  meetsCutoff: false,
  reasons: [],
  rejections: [],
  ...overrides,
});

describe('scout repositories (real Postgres)', () => {
  describe('releases', () => {
    it('store a search result once, however many times it is written (redelivery)', async () => {
      const search = await new SearchRepository(dataSource).create({ id: randomUUID(), userId: null, query: 'dune' });
      const releases = new ReleaseRepository(dataSource);
      const batch = [release(search.id, 'a'), release(search.id, 'b')];

      await releases.insertMany(batch);
      await releases.insertMany([release(search.id, 'a'), release(search.id, 'b'), release(search.id, 'c')]);

      expect(await releases.countForSearch(search.id)).toBe(3);
      expect((await releases.findById(batch[0].id))?.sizeBytes).toBe(12_884_901_888);
    });

    it('list best first (accepted, score, seeders) and page with a keyset cursor', async () => {
      const search = await new SearchRepository(dataSource).create({ id: randomUUID(), userId: null, query: 'ranked' });
      const releases = new ReleaseRepository(dataSource);
      await releases.insertMany([
        release(search.id, 'rejected-high', { accepted: false, score: 9000 }),
        release(search.id, 'low', { score: 10 }),
        release(search.id, 'high', { score: 500, seeders: 1 }),
        release(search.id, 'high-more-seeds', { score: 500, seeders: 99 }),
        release(search.id, 'no-seeders', { score: 10, seeders: null }),
      ]);

      const first = await releases.listRanked(search.id, 2);
      const last = first[first.length - 1];
      const rest = await releases.listRanked(search.id, 10, { grabbable: last.grabbable, rankScore: last.rankScore, seeders: last.seeders ?? -1, id: last.id });

      expect([...first, ...rest].map((r) => r.dedupeKey)).toEqual(['high-more-seeds', 'high', 'low', 'no-seeders', 'rejected-high']);
    });

    it("rank the oracle's mismatches with the refused releases and move the rest by its adjustment", async () => {
      const search = await new SearchRepository(dataSource).create({ id: randomUUID(), userId: null, query: 'judged' });
      const releases = new ReleaseRepository(dataSource);
      const [fake, plain, confirmed, refused] = [
        release(search.id, 'fake', { score: 900 }),
        release(search.id, 'plain', { score: 500 }),
        release(search.id, 'confirmed', { score: 490 }),
        release(search.id, 'refused', { accepted: false, score: 10 }),
      ];
      await releases.insertMany([fake, plain, confirmed, refused]);
      const judge = (releaseId: string, verdict: 'match' | 'mismatch', scoreAdjustment: number) => ({ releaseId, verdict, confidence: 0.9, reasons: ['because'], scoreAdjustment, judgedBy: 'qwen2.5-3b-instruct' });

      const written = await releases.recordJudgements(search.id, [judge(fake.id, 'mismatch', -40), judge(confirmed.id, 'match', 36)], new Date('2030-01-01T00:00:01Z'));

      expect(written).toBe(2);
      const ranked = await releases.listRanked(search.id, 10);
      expect(ranked.map((r) => [r.dedupeKey, r.grabbable, r.rankScore])).toEqual([
        ['confirmed', true, 526],
        ['plain', true, 500],
        ['fake', false, 860],
        ['refused', false, 10],
      ]);
      expect(ranked[0]).toMatchObject({ verdict: 'match', verdictConfidence: expect.closeTo(0.9, 5), verdictReasons: ['because'], judgedBy: 'qwen2.5-3b-instruct' });
    });

    it('keep the newer judgement when an older one is delivered again, and touch no other search', async () => {
      const searches = new SearchRepository(dataSource);
      const search = await searches.create({ id: randomUUID(), userId: null, query: 'rejudged' });
      const other = await searches.create({ id: randomUUID(), userId: null, query: 'other' });
      const releases = new ReleaseRepository(dataSource);
      const [mine, theirs] = [release(search.id, 'mine'), release(other.id, 'theirs')];
      await releases.insertMany([mine, theirs]);
      const judge = (releaseId: string, verdict: 'match' | 'uncertain') => ({ releaseId, verdict, confidence: 0.5, reasons: ['r'], scoreAdjustment: 0, judgedBy: 'heuristic' });

      await releases.recordJudgements(search.id, [judge(mine.id, 'match')], new Date('2030-01-01T00:00:02Z'));
      await releases.recordJudgements(search.id, [judge(mine.id, 'uncertain'), judge(theirs.id, 'uncertain')], new Date('2030-01-01T00:00:01Z'));

      expect((await releases.findById(mine.id))?.verdict).toBe('match');
      expect((await releases.findById(theirs.id))?.verdict).toBeNull();
    });

    it('pick as the one to grab the best grabbable release at the cutoff', async () => {
      const search = await new SearchRepository(dataSource).create({ id: randomUUID(), userId: null, query: 'grab' });
      const releases = new ReleaseRepository(dataSource);
      const [fake, good, belowCutoff] = [
        release(search.id, 'fake', { score: 900, meetsCutoff: true }),
        release(search.id, 'good', { score: 500, meetsCutoff: true }),
        release(search.id, 'below-cutoff', { score: 950, meetsCutoff: false }),
      ];
      await releases.insertMany([fake, good, belowCutoff]);
      await releases.recordJudgements(search.id, [{ releaseId: fake.id, verdict: 'mismatch', confidence: 0.95, reasons: ['a cam'], scoreAdjustment: -950, judgedBy: 'heuristic' }], new Date());

      expect((await releases.bestToGrab(search.id))?.dedupeKey).toBe('good');
    });
  });

  describe('search pages', () => {
    it('skip no search created in the same millisecond as the last one of a page', async () => {
      const searches = new SearchRepository(dataSource);
      const userId = null;
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await searches.create({ id, userId, query: `same-ms ${id}` });
      const micros = ['.123456', '.123300', '.123100'];
      for (const [i, id] of ids.entries()) await dataSource.query(`UPDATE searches SET created_at = $2::timestamptz WHERE id = $1`, [id, `2030-01-01T00:00:00${micros[i]}Z`]);

      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (let page = 0; page < 4; page++) {
        const [row] = await searches.listPage(userId, 1, after);
        if (!row) break;
        seen.push(row.id);
        after = { createdAt: row.createdAt, id: row.id };
      }

      expect(seen.slice(0, 3)).toEqual(ids);
    });
  });

  describe('quality profiles', () => {
    it('keep exactly one default, seed only an empty table, and refuse to delete the default', async () => {
      const profiles = new QualityProfileRepository(dataSource);
      const seeded = { id: randomUUID(), name: 'Any', isDefault: true, rules: { qualities: ['WEBDL-1080p'] } };
      await profiles.seedWhenEmpty([seeded]);
      await profiles.seedWhenEmpty([{ ...seeded, id: randomUUID(), name: 'Again' }]);
      expect((await profiles.list()).map((p) => p.name)).toEqual(['Any']);

      const uhd = await profiles.create({ id: randomUUID(), name: 'Ultra-HD', isDefault: true, rules: {} });

      expect((await profiles.findDefault())?.id).toBe(uhd.id);
      expect(await profiles.delete(uhd.id)).toBe('default');
      expect(await profiles.delete(seeded.id)).toBe('deleted');
    });
  });

  describe('indexers', () => {
    it('refuse a second indexer with the same name, whatever its case', async () => {
      const indexers = new IndexerRepository(dataSource);
      const base = { url: 'http://127.0.0.1:9117/api', apiKeyEncrypted: 'v1.x.y.z', categories: [2000], priority: 25, enabled: true };
      await indexers.create({ id: randomUUID(), name: 'Alpha', ...base });
      await expect(indexers.create({ id: randomUUID(), name: 'ALPHA', ...base })).rejects.toBeInstanceOf(DuplicateIndexerError);
    });

    it('forget stored capabilities when the URL or the key changes, and keep them otherwise', async () => {
      const indexers = new IndexerRepository(dataSource);
      const created = await indexers.create({ id: randomUUID(), name: 'Beta', url: 'http://127.0.0.1:9117/api', apiKeyEncrypted: 'v1.x.y.z', categories: [], priority: 25, enabled: true });
      await indexers.setCapabilities(created.id, { searching: { search: { available: true } } });

      expect((await indexers.update(created.id, { priority: 5 }))?.capabilities).not.toBeNull();
      const moved = await indexers.update(created.id, { url: 'http://127.0.0.1:9696/1/api' });

      expect(moved).toMatchObject({ capabilities: null, capabilitiesCheckedAt: null, url: 'http://127.0.0.1:9696/1/api' });
    });
  });
});
