import { startGatewayTestApp } from '@sokoul/gateway/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import request from 'supertest';
import { type Envelope, type SearchRequested, Streams, Subjects } from '@sokoul/contracts';
import { AccessTokenService } from '@sokoul/gateway/access';
import { Wire } from '@sokoul/messaging';
import { type NewRelease, QualityProfileRepository, ReleaseRepository, SearchRepository, UserRepository } from '@sokoul/persistence';
import { parseReleaseTitle } from '@sokoul/release-parser';
import { removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { ReleaseDto } from './release.dto';
import type { SearchDto } from './search.dto';
import { SearchesModule } from './searches.module';

jest.setTimeout(30_000);

const DOWNLOAD_KEY = 'jackett-api-key-that-must-stay-in-the-backend';
const PASSKEY = 'private-tracker-passkey-0123456789';

describe('searches and their releases over HTTP (real Postgres, NATS JetStream)', () => {
  const namespace = uniqueNamespace('searches');
  const wire = new Wire(namespace);
  let app: INestApplication;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const alice = { id: randomUUID(), token: '' };
  const bob = { id: randomUUID(), token: '' };
  const admin = { id: randomUUID(), token: '' };
  let profileId: string;
  /** Every response body this file received: none may carry a download link's key or a passkey. */
  const bodies: string[] = [];

  async function recorded(test: request.Test): Promise<request.Response> {
    const response = await test;
    bodies.push(response.text ?? '');
    return response;
  }
  const http = () => request(app.getHttpServer());
  const get = (path: string, token: string) => recorded(http().get(path).set('Authorization', `Bearer ${token}`));
  const post = (path: string, body: object, token: string) => recorded(http().post(path).set('Authorization', `Bearer ${token}`).send(body));

  async function lastCommand(): Promise<Envelope<SearchRequested>> {
    const message = await jsm.streams.getMessage(wire.stream(Streams.commands), { last_by_subj: wire.subject(Subjects.searchRequested) });
    return message.json<Envelope<SearchRequested>>();
  }

  function release(searchId: string, title: string, ranking: { accepted: boolean; score: number; seeders: number | null }): NewRelease {
    const parsed = parseReleaseTitle(title);
    return {
      id: randomUUID(),
      searchId,
      dedupeKey: randomUUID(),
      infoHash: randomUUID().replace(/-/g, '').padEnd(40, '0'),
      guid: `https://tracker.example/details/${randomUUID()}`,
      title,
      indexers: ['Jackett LAN'],
      indexerPriority: 25,
      sizeBytes: 4_500_000_000,
      seeders: ranking.seeders,
      peers: ranking.seeders === null ? null : ranking.seeders + 3,
      publishedAt: new Date('2026-11-20T10:00:00Z'),
      magnetUrl: `magnet:?xt=urn:btih:abc&tr=https://tracker.example/announce/${PASSKEY}`,
      downloadUrl: `http://jackett:9117/dl/x?jackett_apikey=${DOWNLOAD_KEY}`,
      infoUrl: null,
      imdbId: null,
      tmdbId: null,
      categories: [2000],
      freeleech: false,
      parsed: { ...parsed },
      quality: parsed.quality,
      score: ranking.score,
      accepted: ranking.accepted,
      meetsCutoff: false,
      reasons: [{ code: 'quality', detail: parsed.quality, points: ranking.score }],
      rejections: ranking.accepted ? [] : [{ code: 'min-seeders', detail: 'too few seeders' }],
    };
  }

  beforeAll(async () => {
    app = await startGatewayTestApp({ namespace, imports: [SearchesModule], messaging: true });
    nc = await connect({ servers: testEnvironment.NATS_URL });
    jsm = await nc.jetstreamManager();

    const users = app.get(UserRepository);
    const tokens = app.get(AccessTokenService);
    for (const [account, name] of [[admin, 'admin'], [alice, 'alice'], [bob, 'bob']] as const) {
      await users.createWithFirstAdmin({ id: account.id, username: name, email: `${name}@example.test`, passwordHash: 'not-a-real-hash' });
      account.token = await tokens.sign(account.id, account === admin ? 'admin' : 'user');
    }
    profileId = randomUUID();
    await app.get(QualityProfileRepository).create({ id: profileId, name: 'Ultra-HD', isDefault: false, rules: {} });
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await removeNamespace(namespace);
  });

  describe('starting a search', () => {
    it('records the profile and passes the TMDB title, season and episode to the scouts', async () => {
      const response = await post('/api/v1/searches', { query: 'Severance', profileId, tmdb: { kind: 'series', id: 95396 }, season: 2, episode: 1 }, alice.token);

      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ query: 'Severance', status: 'queued', profileId, media: null, metadataStatus: null, indexers: null });
      expect((await lastCommand()).payload).toEqual({
        searchId: response.body.id,
        query: 'Severance',
        requestedBy: alice.id,
        tmdb: { kind: 'series', id: 95396 },
        season: 2,
        episode: 1,
      });
    });

    it('ranks by the default profile when none is given', async () => {
      const response = await post('/api/v1/searches', { query: 'Arrival 2016' }, alice.token);

      expect(response.body.profileId).toBeNull();
      expect((await lastCommand()).payload).toEqual({ searchId: response.body.id, query: 'Arrival 2016', requestedBy: alice.id });
    });

    it('refuses a profile that does not exist with 400 naming profileId, recording and sending nothing', async () => {
      const before = await lastCommand();

      const response = await post('/api/v1/searches', { query: 'Nope', profileId: randomUUID() }, alice.token);

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ pointer: '/profileId', detail: expect.stringMatching(/^no quality profile has id /) }]);
      expect((await lastCommand()).id).toBe(before.id);
      const mine = (await get('/api/v1/searches?limit=100', alice.token)).body.items as SearchDto[];
      expect(mine.map((s) => s.query)).not.toContain('Nope');
    });
  });

  describe('a finished search', () => {
    it('shows what it was identified as and how each indexer went, without indexer URLs', async () => {
      const { body: search } = await post('/api/v1/searches', { query: 'Dune 2021' }, alice.token);
      const indexerId = randomUUID();
      await app.get(SearchRepository).markFinished(search.id, {
        status: 'completed',
        releaseCount: 3,
        completedBy: 'scout-1',
        media: { kind: 'movie', tmdbId: 438631, imdbId: 'tt1160419', tvdbId: null, title: 'Dune', year: 2021, season: null, episode: null },
        metadataStatus: 'identified',
        indexerReport: [
          { indexerId, name: 'Jackett LAN', outcome: 'ok', releases: 3, durationMs: 412 },
          { indexerId: randomUUID(), name: 'Prowlarr', outcome: 'failed', releases: 0, durationMs: 15_000, detail: 'Torznab request failed (ECONNREFUSED) (http://192.168.1.20:9696/1/api?t=movie&apikey=REDACTED)' },
        ],
      });

      const response = await get(`/api/v1/searches/${search.id}`, alice.token);

      expect(response.body).toMatchObject({
        status: 'completed',
        metadataStatus: 'identified',
        media: { kind: 'movie', tmdbId: 438631, title: 'Dune', year: 2021 },
        indexers: [
          { indexerId, name: 'Jackett LAN', outcome: 'ok', releases: 3, durationMs: 412 },
          { name: 'Prowlarr', outcome: 'failed', detail: 'Torznab request failed (ECONNREFUSED)' },
        ],
      });
      expect(response.text).not.toContain('192.168.1.20');
    });
  });

  describe("a search's releases", () => {
    let searchId: string;
    /** Best first, as the ranking orders them: accepted, then score, then seeders (unknown last). */
    const expectedOrder: string[] = [];

    beforeAll(async () => {
      searchId = (await post('/api/v1/searches', { query: 'Dune 2021' }, alice.token)).body.id;
      const releases = [
        release(searchId, 'Dune.2021.2160p.UHD.BluRay.x265-TERMiNAL', { accepted: true, score: 900, seeders: 40 }),
        release(searchId, 'Dune.2021.1080p.WEB-DL.DDP5.1.Atmos.H.264-FLUX', { accepted: true, score: 700, seeders: 120 }),
        release(searchId, 'Dune.2021.1080p.BluRay.x264-GROUP', { accepted: true, score: 700, seeders: 15 }),
        release(searchId, 'Dune.2021.1080p.WEBRip.x264-RARBG', { accepted: true, score: 700, seeders: null }),
        release(searchId, 'Dune.2021.720p.HDTV.x264-LOL', { accepted: true, score: 300, seeders: 2 }),
        release(searchId, 'Dune.2021.HDCAM.x264-ROBOT', { accepted: false, score: 950, seeders: 500 }),
        release(searchId, 'Dune.2021.DVDSCR.XviD-AMIABLE', { accepted: false, score: 10, seeders: 0 }),
      ];
      expectedOrder.push(...releases.map((r) => r.id));
      await app.get(ReleaseRepository).insertMany([...releases].reverse());
    });

    it('pages through them best first with an opaque cursor, each release once', async () => {
      const seen: ReleaseDto[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`;
        const response = await get(`/api/v1/searches/${searchId}/releases${query}`, alice.token);
        expect(response.status).toBe(200);
        seen.push(...(response.body.items as ReleaseDto[]));
        cursor = response.body.nextCursor as string | null;
        pages++;
      } while (cursor !== null && pages < 10);

      expect(pages).toBe(3);
      expect(seen.map((r) => r.id)).toEqual(expectedOrder);
    });

    it('shows each release with its parse and ranking, never its download or magnet link', async () => {
      const response = await get(`/api/v1/searches/${searchId}/releases?limit=1`, alice.token);
      const [first] = response.body.items as ReleaseDto[];

      expect(Object.keys(first).sort()).toEqual(
        ['accepted', 'freeleech', 'id', 'indexers', 'infoHash', 'meetsCutoff', 'parsed', 'peers', 'publishedAt', 'quality', 'reasons', 'rejections', 'score', 'seeders', 'sizeBytes', 'title', 'validation'].sort(),
      );
      expect(first).toMatchObject({
        title: 'Dune.2021.2160p.UHD.BluRay.x265-TERMiNAL',
        quality: 'Bluray-2160p',
        sizeBytes: 4_500_000_000,
        seeders: 40,
        peers: 43,
        indexers: ['Jackett LAN'],
        publishedAt: '2026-11-20T10:00:00.000Z',
        parsed: { title: 'Dune', year: 2021, resolution: 2160, releaseGroup: 'TERMiNAL' },
        score: 900,
        accepted: true,
        rejections: [],
      });
      expect(response.text).not.toMatch(/magnet:|jackett_apikey/);
    });

    it("shows the oracle's verdict, and ranks a release it judged a mismatch with the refused ones", async () => {
      const judgedSearch = (await post('/api/v1/searches', { query: 'Dune 2021 judged' }, alice.token)).body.id as string;
      const [fake, real] = [
        release(judgedSearch, 'Dune.2021.2160p.WEB-DL.x265-FAKE', { accepted: true, score: 900, seeders: 40 }),
        release(judgedSearch, 'Dune.2021.1080p.WEB-DL.DDP5.1.Atmos.H.264-FLUX', { accepted: true, score: 700, seeders: 120 }),
      ];
      const repository = app.get(ReleaseRepository);
      await repository.insertMany([fake, real]);
      await repository.recordJudgements(
        judgedSearch,
        [
          { releaseId: fake.id, verdict: 'mismatch', confidence: 0.9, reasons: ['A 2160p film of 300 MiB cannot be real'], scoreAdjustment: -91, judgedBy: 'qwen2.5-3b-instruct' },
          { releaseId: real.id, verdict: 'match', confidence: 0.95, reasons: ['Same title and year'], scoreAdjustment: 38, judgedBy: 'qwen2.5-3b-instruct' },
        ],
        new Date('2026-11-24T12:00:00Z'),
      );

      const items = (await get(`/api/v1/searches/${judgedSearch}/releases`, alice.token)).body.items as ReleaseDto[];

      expect(items.map((r) => r.id)).toEqual([real.id, fake.id]);
      expect(items[1]).toMatchObject({
        accepted: true,
        score: 900,
        validation: { verdict: 'mismatch', confidence: 0.9, reasons: ['A 2160p film of 300 MiB cannot be real'], scoreAdjustment: -91, judgedBy: 'qwen2.5-3b-instruct', judgedAt: '2026-11-24T12:00:00.000Z' },
      });
    });

    it("answers 404 to another user, as if the search did not exist, and shows an admin everyone's", async () => {
      const bobs = await get(`/api/v1/searches/${searchId}/releases`, bob.token);
      const unknown = await get(`/api/v1/searches/${randomUUID()}/releases`, bob.token);

      expect(bobs.status).toBe(404);
      expect(bobs.body).toMatchObject({ type: 'https://sokoul.dev/problems/search-not-found' });
      expect({ ...bobs.body, detail: undefined, instance: undefined }).toEqual({ ...unknown.body, detail: undefined, instance: undefined });
      expect((await get(`/api/v1/searches/${searchId}/releases?limit=100`, admin.token)).body.items).toHaveLength(expectedOrder.length);
    });

    it('answers a search without releases with an empty page', async () => {
      const { body: empty } = await post('/api/v1/searches', { query: 'Nothing yet' }, alice.token);

      expect((await get(`/api/v1/searches/${empty.id}/releases`, alice.token)).body).toEqual({ items: [], nextCursor: null });
    });

    it.each(['not-a-cursor', Buffer.from('[true,"900",40,"x"]').toString('base64url'), 'x'.repeat(301)])('refuses a cursor it did not make with 400 (%#)', async (cursor) => {
      const response = await get(`/api/v1/searches/${searchId}/releases?cursor=${cursor}`, alice.token);

      expect(response.status).toBe(400);
      expect(response.body.errors[0].pointer).toBe('/cursor');
    });
  });

  it('parses a release title for a signed-in user', async () => {
    const response = await get(`/api/v1/parse?title=${encodeURIComponent('Severance.S02E01.Hello.Ms.Cobel.2160p.ATVP.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX')}`, bob.token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'episode', title: 'Severance', season: 2, episodes: [1], resolution: 2160, source: 'webdl', hdr: expect.arrayContaining(['DV']), releaseGroup: 'FLUX' });
  });

  it('never sends a download link key or a tracker passkey in any answer', () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) {
      expect(body).not.toContain(DOWNLOAD_KEY);
      expect(body).not.toContain(PASSKEY);
    }
  });
});
