import { startGatewayTestApp } from '@sokoul/gateway/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '@sokoul/gateway/access';
import { QualityProfileRepository, SearchRepository, UserRepository, WatchlistRepository } from '@sokoul/persistence';
import { removeNamespace, uniqueNamespace } from '@sokoul/testing';
import type { WatchlistItemDto } from './watchlist-item.dto';
import { WatchlistModule } from './watchlist.module';

jest.setTimeout(30_000);

const ITEM_KEYS = [
  'autoDownload',
  'createdAt',
  'episode',
  'grabbedAt',
  'grabbedReleaseId',
  'id',
  'kind',
  'lastSearchId',
  'lastSearchedAt',
  'nextSearchAt',
  'profileId',
  'season',
  'status',
  'title',
  'tmdbId',
  'userId',
  'year',
];

describe('the watchlist over HTTP (real Postgres, Redis)', () => {
  const namespace = uniqueNamespace('watchlist');
  let app: INestApplication;
  const alice = { id: randomUUID(), token: '' };
  const bob = { id: randomUUID(), token: '' };
  const admin = { id: randomUUID(), token: '' };
  let profileId: string;
  let otherProfileId: string;
  let nextTmdbId = 1000;

  const http = () => request(app.getHttpServer());
  const as = (test: request.Test, token: string) => test.set('Authorization', `Bearer ${token}`);
  const get = (path: string, token: string) => as(http().get(path), token);
  const post = (path: string, body: object, token: string) => as(http().post(path), token).send(body);
  const patch = (path: string, body: object, token: string) => as(http().patch(path), token).send(body);
  const del = (path: string, token: string) => as(http().delete(path), token);

  function expectProblem(response: request.Response, status: number, type: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `https://sokoul.dev/problems/${type}`, status });
  }

  /** A film of the user's with a TMDB id no other test uses. */
  async function film(token: string, fields: object = {}): Promise<WatchlistItemDto> {
    const response = await post('/api/v1/watchlist', { kind: 'movie', tmdbId: nextTmdbId++, title: 'Some film', year: 2021, ...fields }, token);
    expect(response.status).toBe(201);
    return response.body as WatchlistItemDto;
  }

  async function setStatus(id: string, status: 'grabbing' | 'grabbed'): Promise<void> {
    await app.get(DataSource).query(`UPDATE watchlist_items SET status = $2, grabbed_at = now() WHERE id = $1`, [id, status]);
  }

  async function identifiedSearch(userId: string, media: { kind: 'movie' | 'series'; tmdbId: number | null; title: string; year: number | null; season: number | null; episode: number | null } | null) {
    const search = await app.get(SearchRepository).create({ id: randomUUID(), userId, query: media?.title ?? 'unidentified', profileId });
    await app.get(SearchRepository).markFinished(search.id, {
      status: 'completed',
      releaseCount: 0,
      completedBy: 'scout-1',
      media: media && { ...media, imdbId: null, tvdbId: null },
      metadataStatus: media ? 'identified' : 'not-found',
    });
    return search.id;
  }

  beforeAll(async () => {
    app = await startGatewayTestApp({ namespace, imports: [WatchlistModule] });

    const users = app.get(UserRepository);
    const tokens = app.get(AccessTokenService);
    for (const [account, name] of [[admin, 'admin'], [alice, 'alice'], [bob, 'bob']] as const) {
      await users.createWithFirstAdmin({ id: account.id, username: name, email: `${name}@example.test`, passwordHash: 'not-a-real-hash' });
      account.token = await tokens.sign(account.id, account === admin ? 'admin' : 'user');
    }
    profileId = randomUUID();
    otherProfileId = randomUUID();
    await app.get(QualityProfileRepository).create({ id: profileId, name: 'Ultra-HD', isDefault: false, rules: {} });
    await app.get(QualityProfileRepository).create({ id: otherProfileId, name: 'HD', isDefault: false, rules: {} });
  });

  afterAll(async () => {
    await app?.close();
    await removeNamespace(namespace);
  });

  describe('adding', () => {
    it('answers 201 with the item, wanted and due for a search now, downloading automatically by default', async () => {
      const before = Date.now();

      const response = await post('/api/v1/watchlist', { kind: 'movie', tmdbId: 438631, title: 'Dune', year: 2021 }, alice.token);

      expect(response.status).toBe(201);
      const item = response.body as WatchlistItemDto;
      expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
      expect(item).toMatchObject({
        userId: alice.id,
        kind: 'movie',
        tmdbId: 438631,
        title: 'Dune',
        year: 2021,
        season: null,
        episode: null,
        profileId: null,
        autoDownload: true,
        status: 'wanted',
        lastSearchedAt: null,
        lastSearchId: null,
        grabbedReleaseId: null,
        grabbedAt: null,
      });
      expect(Date.parse(item.nextSearchAt!)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(item.createdAt)).toBeGreaterThanOrEqual(before - 1_000);
      expect(response.headers['location']).toBe(`/api/v1/watchlist/${item.id}`);
      expect((await get(`/api/v1/watchlist/${item.id}`, alice.token)).body).toEqual(item);
    });

    it('adds an episode of a series with a quality profile and without automatic download', async () => {
      const response = await post('/api/v1/watchlist', { kind: 'series', tmdbId: 95396, title: 'Severance', season: 2, episode: 1, profileId, autoDownload: false }, alice.token);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ kind: 'series', tmdbId: 95396, season: 2, episode: 1, year: null, profileId, autoDownload: false });
    });

    it('refuses a title already on the list with 409, but takes another season of it, and the same title for another user', async () => {
      await post('/api/v1/watchlist', { kind: 'series', tmdbId: 1396, title: 'Breaking Bad', season: 1 }, alice.token);

      expectProblem(await post('/api/v1/watchlist', { kind: 'series', tmdbId: 1396, title: 'Breaking Bad again', season: 1 }, alice.token), 409, 'watchlist-item-exists');
      expect((await post('/api/v1/watchlist', { kind: 'series', tmdbId: 1396, title: 'Breaking Bad', season: 2 }, alice.token)).status).toBe(201);
      expect((await post('/api/v1/watchlist', { kind: 'series', tmdbId: 1396, title: 'Breaking Bad', season: 1 }, bob.token)).status).toBe(201);
    });

    it('refuses the same film twice with 409, the whole series counting apart from its seasons', async () => {
      await film(alice.token, { tmdbId: 27205, title: 'Inception' });
      await post('/api/v1/watchlist', { kind: 'series', tmdbId: 27205, title: 'Same id, a series' }, alice.token);

      expectProblem(await post('/api/v1/watchlist', { kind: 'movie', tmdbId: 27205, title: 'Inception' }, alice.token), 409, 'watchlist-item-exists');
      expectProblem(await post('/api/v1/watchlist', { kind: 'series', tmdbId: 27205, title: 'Same id, a series' }, alice.token), 409, 'watchlist-item-exists');
    });

    it('replays the first answer to a retry with the same Idempotency-Key instead of answering 409', async () => {
      const key = randomUUID();
      const body = { kind: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999 };

      const first = await post('/api/v1/watchlist', body, alice.token).set('Idempotency-Key', key);
      const retry = await post('/api/v1/watchlist', body, alice.token).set('Idempotency-Key', key);

      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
    });

    it.each([
      ['an unknown field', { kind: 'movie', tmdbId: 1, title: 'X', status: 'grabbed' }, '/', 'unknown field(s): status'],
      ['a movie with a season', { kind: 'movie', tmdbId: 1, title: 'X', season: 1 }, '/season', 'a movie has no season'],
      ['a movie with an episode', { kind: 'movie', tmdbId: 1, title: 'X', episode: 3 }, '/episode', 'a movie has no episode'],
      ['an episode without its season', { kind: 'series', tmdbId: 1, title: 'X', episode: 3 }, '/episode', 'give the season of the episode too'],
      ['no TMDB id', { kind: 'movie', title: 'X' }, '/tmdbId', 'tmdbId is required (or give searchId)'],
      ['a blank title', { kind: 'movie', tmdbId: 1, title: '   ' }, '/title', 'title must not be empty'],
      ['a title over 300 characters', { kind: 'movie', tmdbId: 1, title: 'x'.repeat(301) }, '/title', 'title must be at most 300 characters'],
      ['a TMDB id that is not a whole number', { kind: 'movie', tmdbId: 1.5, title: 'X' }, '/tmdbId', 'tmdbId must be a whole number'],
      ['an unknown kind', { kind: 'anime', tmdbId: 1, title: 'X' }, '/kind', 'kind must be movie or series'],
      ['a search together with a title', { searchId: randomUUID(), kind: 'movie' }, '/kind', 'not with searchId: the kind comes from the search'],
    ])('refuses %s with a 400 problem naming the field, adding nothing', async (_case, body, pointer, detail) => {
      const before = (await get('/api/v1/watchlist?limit=100', alice.token)).body.items.length;

      const response = await post('/api/v1/watchlist', body, alice.token);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer, detail }]);
      expect((await get('/api/v1/watchlist?limit=100', alice.token)).body.items).toHaveLength(before);
    });

    it('refuses a quality profile that does not exist with 400 naming profileId', async () => {
      const response = await post('/api/v1/watchlist', { kind: 'movie', tmdbId: nextTmdbId++, title: 'X', profileId: randomUUID() }, alice.token);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer: '/profileId', detail: expect.stringMatching(/^no quality profile has id /) }]);
    });
  });

  describe('adding what a search was identified as', () => {
    it("takes the title, season and episode, and the search's profile, from the caller's search", async () => {
      const searchId = await identifiedSearch(alice.id, { kind: 'series', tmdbId: 1399, title: 'Game of Thrones', year: 2011, season: 3, episode: 9 });

      const response = await post('/api/v1/watchlist', { searchId }, alice.token);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ userId: alice.id, kind: 'series', tmdbId: 1399, title: 'Game of Thrones', year: 2011, season: 3, episode: 9, profileId, autoDownload: true });
    });

    it('uses the profile and automatic download given with the search instead', async () => {
      const searchId = await identifiedSearch(alice.id, { kind: 'movie', tmdbId: 329865, title: 'Arrival', year: 2016, season: null, episode: null });

      const response = await post('/api/v1/watchlist', { searchId, profileId: otherProfileId, autoDownload: false }, alice.token);

      expect(response.body).toMatchObject({ kind: 'movie', tmdbId: 329865, title: 'Arrival', season: null, profileId: otherProfileId, autoDownload: false });
    });

    it("answers 404 for another user's search, as for one that does not exist, and lets an admin use it", async () => {
      const searchId = await identifiedSearch(alice.id, { kind: 'movie', tmdbId: 152601, title: 'Her', year: 2013, season: null, episode: null });

      const bobs = await post('/api/v1/watchlist', { searchId }, bob.token);
      const unknown = await post('/api/v1/watchlist', { searchId: randomUUID() }, bob.token);

      expectProblem(bobs, 404, 'search-not-found');
      expect({ ...bobs.body, detail: undefined, instance: undefined }).toEqual({ ...unknown.body, detail: undefined, instance: undefined });
      expect((await post('/api/v1/watchlist', { searchId }, admin.token)).body).toMatchObject({ userId: admin.id, tmdbId: 152601 });
    });

    it('refuses with 422 a search not identified with a TMDB title', async () => {
      const unidentified = await identifiedSearch(alice.id, null);
      const withoutTmdb = await identifiedSearch(alice.id, { kind: 'movie', tmdbId: null, title: 'Obscure', year: null, season: null, episode: null });

      expectProblem(await post('/api/v1/watchlist', { searchId: unidentified }, alice.token), 422, 'search-not-identified');
      expectProblem(await post('/api/v1/watchlist', { searchId: withoutTmdb }, alice.token), 422, 'search-not-identified');
    });
  });

  describe('listing and reading', () => {
    it('pages through the caller’s items newest first with an opaque cursor, each once', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await film(bob.token, { title: `Bob film ${i}` })).id);
      const all = ((await get('/api/v1/watchlist?limit=100', bob.token)).body.items as WatchlistItemDto[]).map((item) => item.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await get(`/api/v1/watchlist?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, bob.token);
        expect(response.status).toBe(200);
        seen.push(...(response.body.items as WatchlistItemDto[]).map((item) => item.id));
        cursor = response.body.nextCursor as string | null;
        pages++;
      } while (cursor !== null && pages < 10);

      expect(seen).toEqual(all);
      expect(seen.slice(0, 5)).toEqual([...created].reverse());
      expect(pages).toBe(Math.ceil(all.length / 2));
    });

    it("never shows a user another user's items, and shows an admin everyone's with whose they are", async () => {
      const alices = await film(alice.token, { title: 'Alice private film' });

      const bobs = (await get('/api/v1/watchlist?limit=100', bob.token)).body.items as WatchlistItemDto[];
      const admins = (await get('/api/v1/watchlist?limit=100', admin.token)).body.items as WatchlistItemDto[];

      expect(bobs.length).toBeGreaterThan(0);
      expect(bobs.every((item) => item.userId === bob.id)).toBe(true);
      expect(admins.find((item) => item.id === alices.id)).toEqual(alices);
      expect(new Set(admins.map((item) => item.userId))).toEqual(new Set([alice.id, bob.id, admin.id]));
    });

    it("answers 404 to another user reading an item, as if it did not exist; an admin reads it", async () => {
      const item = await film(alice.token);

      const bobs = await get(`/api/v1/watchlist/${item.id}`, bob.token);
      const unknown = await get(`/api/v1/watchlist/${randomUUID()}`, bob.token);

      expectProblem(bobs, 404, 'watchlist-item-not-found');
      expect({ ...bobs.body, detail: undefined, instance: undefined }).toEqual({ ...unknown.body, detail: undefined, instance: undefined });
      expect((await get(`/api/v1/watchlist/${item.id}`, admin.token)).body).toEqual(item);
    });

    it.each(['not-a-cursor', Buffer.from('["yesterday","x"]').toString('base64url'), 'x'.repeat(201)])('refuses a cursor it did not make with 400 (%#)', async (cursor) => {
      const response = await get(`/api/v1/watchlist?cursor=${cursor}`, alice.token);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors[0].pointer).toBe('/cursor');
    });

    it('refuses an id that is not a UUID with 400', async () => {
      expectProblem(await get('/api/v1/watchlist/42', alice.token), 400, 'validation');
    });
  });

  describe('changing', () => {
    it('changes the quality profile and automatic download, and goes back to the default profile with null', async () => {
      const item = await film(alice.token);

      const changed = await patch(`/api/v1/watchlist/${item.id}`, { profileId, autoDownload: false }, alice.token);
      const reset = await patch(`/api/v1/watchlist/${item.id}`, { profileId: null }, alice.token);

      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ ...item, profileId, autoDownload: false });
      expect(reset.body).toEqual({ ...item, profileId: null, autoDownload: false });
      expect((await get(`/api/v1/watchlist/${item.id}`, alice.token)).body).toEqual(reset.body);
    });

    it('pauses an item, which the scheduled search then skips, and resumes it', async () => {
      const item = await film(alice.token);
      const watchlist = app.get(WatchlistRepository);

      const paused = await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, alice.token);
      const claimedWhilePaused = await watchlist.claimDue(1_000, 3_600, 0);
      const resumed = await patch(`/api/v1/watchlist/${item.id}`, { paused: false }, alice.token);
      const claimedAfterResume = await watchlist.claimDue(1_000, 3_600, 0);

      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ status: 'paused', nextSearchAt: null });
      expect(claimedWhilePaused.map((claimed) => claimed.id)).not.toContain(item.id);
      expect(resumed.body).toMatchObject({ status: 'wanted', nextSearchAt: item.nextSearchAt });
      expect(claimedAfterResume.map((claimed) => claimed.id)).toContain(item.id);
    });

    it('answers a repeated pause with the item as it is', async () => {
      const item = await film(alice.token);
      await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, alice.token);

      const again = await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, alice.token);

      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: item.id, status: 'paused' });
    });

    it.each(['grabbing', 'grabbed'] as const)('refuses with 409 to pause or change an item whose download is %s, leaving it as it is', async (status) => {
      const item = await film(alice.token);
      await setStatus(item.id, status);

      expectProblem(await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, alice.token), 409, 'watchlist-item-busy');
      expectProblem(await patch(`/api/v1/watchlist/${item.id}`, { autoDownload: false }, alice.token), 409, 'watchlist-item-busy');
      expectProblem(await patch(`/api/v1/watchlist/${item.id}`, { profileId }, admin.token), 409, 'watchlist-item-busy');
      const after = await get(`/api/v1/watchlist/${item.id}`, alice.token);
      expect(after.body).toMatchObject({ status, autoDownload: true, profileId: null, nextSearchAt: null });
      expect(after.body.grabbedAt).not.toBeNull();
      // Nothing to change: not paused already, automatic download already on.
      expect((await patch(`/api/v1/watchlist/${item.id}`, { paused: false, autoDownload: true }, alice.token)).status).toBe(200);
    });

    it("answers 404 to another user changing an item, leaving it as it is; an admin changes it", async () => {
      const item = await film(alice.token);

      expectProblem(await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, bob.token), 404, 'watchlist-item-not-found');
      expect((await get(`/api/v1/watchlist/${item.id}`, alice.token)).body.status).toBe('wanted');
      expect((await patch(`/api/v1/watchlist/${item.id}`, { paused: true }, admin.token)).body).toMatchObject({ status: 'paused', userId: alice.id });
    });

    it.each([
      ['an unknown field', { status: 'wanted' }, '/', 'unknown field(s): status'],
      ['a profile id that is not a UUID', { profileId: 'hd' }, '/profileId', 'profileId must be a quality profile id (UUID)'],
      ['paused that is not a boolean', { paused: 'yes' }, '/paused', 'paused must be true or false'],
    ])('refuses %s with 400', async (_case, body, pointer, detail) => {
      const item = await film(alice.token);

      const response = await patch(`/api/v1/watchlist/${item.id}`, body, alice.token);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer, detail }]);
    });

    it('refuses a quality profile that does not exist with 400 naming profileId', async () => {
      const item = await film(alice.token);

      const response = await patch(`/api/v1/watchlist/${item.id}`, { profileId: randomUUID() }, alice.token);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer: '/profileId', detail: expect.stringMatching(/^no quality profile has id /) }]);
      expect((await get(`/api/v1/watchlist/${item.id}`, alice.token)).body.profileId).toBeNull();
    });
  });

  describe('removing', () => {
    it('removes an item with 204, after which it is not found', async () => {
      const item = await film(alice.token);

      expect((await del(`/api/v1/watchlist/${item.id}`, alice.token)).status).toBe(204);

      expectProblem(await get(`/api/v1/watchlist/${item.id}`, alice.token), 404, 'watchlist-item-not-found');
      expectProblem(await del(`/api/v1/watchlist/${item.id}`, alice.token), 404, 'watchlist-item-not-found');
      expect((await post('/api/v1/watchlist', { kind: 'movie', tmdbId: item.tmdbId, title: item.title }, alice.token)).status).toBe(201);
    });

    it("answers 404 to another user removing an item, which stays; an admin removes it, even with its download under way", async () => {
      const item = await film(alice.token);
      await setStatus(item.id, 'grabbing');

      expectProblem(await del(`/api/v1/watchlist/${item.id}`, bob.token), 404, 'watchlist-item-not-found');
      expect((await get(`/api/v1/watchlist/${item.id}`, alice.token)).status).toBe(200);
      expect((await del(`/api/v1/watchlist/${item.id}`, admin.token)).status).toBe(204);
      expectProblem(await get(`/api/v1/watchlist/${item.id}`, alice.token), 404, 'watchlist-item-not-found');
    });
  });
});
