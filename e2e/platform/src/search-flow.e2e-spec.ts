import { type FakeTmdb, type FakeTorznabIndexer, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type ServiceProcess, eventually, type Account, getJson, openSocket, postJson, signUp, TestStack } from '@sokoul/testing';

interface Release {
  id: string;
  title: string;
  quality: string;
  score: number;
  accepted: boolean;
  indexers: string[];
  rejections: Array<{ code: string }>;
}

interface Search {
  id: string;
  status: string;
  releaseCount: number;
  metadataStatus: string;
  media: { tmdbId: number | null; season: number | null; episode: number | null } | null;
  indexers: Array<{ name: string; outcome: string }>;
}

/**
 * A search from the API to ranked releases, through the real gateway and scout processes,
 * against local Torznab indexers (one slow, one broken) and a local TMDB.
 */
describe('search flow: REST → scout → indexers and TMDB → ranked releases', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let admin: Account;
  let alice: Account;
  let tmdb: FakeTmdb;
  const indexers: FakeTorznabIndexer[] = [];
  const api = (path: string) => `${gateway.url}/api/v1${path}`;

  async function patchJson<T>(path: string, body: unknown, token: string): Promise<{ status: number; body: T }> {
    const response = await fetch(api(path), { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function finished(id: string, token: string): Promise<Search> {
    let search: Search | undefined;
    await eventually(async () => {
      search = (await getJson<Search>(api(`/searches/${id}`), token)).body;
      if (search.status !== 'completed' && search.status !== 'failed') throw new Error(`search is ${search.status}`);
    }, 20_000);
    return search as Search;
  }

  beforeAll(async () => {
    tmdb = await startFakeTmdb();
    indexers.push(
      await startFakeTorznabIndexer({ name: 'alpha', site: 'alpha' }),
      await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' }),
      await startFakeTorznabIndexer({ name: 'slow', site: 'gamma', delayMs: 10_000 }),
      await startFakeTorznabIndexer({ name: 'broken', site: 'gamma', brokenXml: true }),
    );
    stack = await TestStack.create('search_flow');
    gateway = await stack.start('gateway');
    await stack.start('scout', { TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_INDEXER_TIMEOUT_MS: '2000', SCOUT_WATCHLIST_TICK_MS: '0' });
    admin = await signUp(gateway.url, 'admin');
    alice = await signUp(gateway.url, 'alice');
  });

  afterAll(async () => {
    await stack?.destroy();
    await Promise.all([tmdb?.close(), ...indexers.map((i) => i.close())]);
  });

  it('lets an admin add the indexers and test them (capabilities read and kept)', async () => {
    for (const [priority, indexer] of indexers.entries()) {
      const created = await postJson<{ id: string; apiKeySet: boolean }>(
        api('/indexers'),
        { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey, priority: (priority + 1) * 10 },
        admin.accessToken,
      );
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(indexer.apiKey);
      if (indexer.name === 'alpha' || indexer.name === 'beta') {
        const tested = await postJson<{ capabilities: unknown }>(api(`/indexers/${created.body.id}/test`), {}, admin.accessToken);
        expect(tested.status).toBe(200);
        expect(tested.body.capabilities).toBeTruthy();
      }
    }
  });

  it('finds, merges and ranks the releases of an episode, and tells the searcher over WebSocket', async () => {
    const { socket, frames } = await openSocket(`ws://127.0.0.1:${gateway.port}/ws`, alice.accessToken);
    try {
      const created = await postJson<Search>(api('/searches'), { query: 'Breaking Bad S05E14' }, alice.accessToken);
      expect(created.status).toBe(202);

      const search = await finished(created.body.id, alice.accessToken);

      expect(search).toMatchObject({ status: 'completed', metadataStatus: 'identified', media: { tmdbId: 1396, season: 5, episode: 14 } });
      expect(Object.fromEntries(search.indexers.map((i) => [i.name, i.outcome]))).toMatchObject({ alpha: 'ok', beta: 'ok', slow: 'failed', broken: 'failed' });
      const releases = (await getJson<{ items: Release[] }>(api(`/searches/${search.id}/releases?limit=100`), alice.accessToken)).body.items;
      expect(releases.length).toBe(search.releaseCount);
      expect(releases.length).toBeGreaterThan(0);
      const accepted = releases.filter((r) => r.accepted);
      expect(accepted.map((r) => r.score)).toEqual([...accepted.map((r) => r.score)].sort((a, b) => b - a));
      expect(releases.findIndex((r) => !r.accepted)).not.toBe(0);
      await eventually(() => {
        if (!frames.some((f) => f['type'] === 'search.completed' && (f['data'] as { searchId?: string })?.searchId === search.id)) throw new Error('no event yet');
      });
    } finally {
      socket.close();
    }
  });

  it('keeps a search and its releases from other users (404)', async () => {
    const bob = await signUp(gateway.url, 'bob');
    const created = await postJson<Search>(api('/searches'), { query: 'Oppenheimer 2023' }, alice.accessToken);
    const search = await finished(created.body.id, alice.accessToken);
    expect((await getJson(api(`/searches/${search.id}/releases`), bob.accessToken)).status).toBe(404);
  });

  it('re-ranks stored releases when an admin changes the default profile, without asking the indexers again', async () => {
    const created = await postJson<Search>(api('/searches'), { query: 'Dune Part Two 2024' }, alice.accessToken);
    const search = await finished(created.body.id, alice.accessToken);
    const before = (await getJson<{ items: Release[] }>(api(`/searches/${search.id}/releases?limit=100`), alice.accessToken)).body.items;
    expect(before.some((r) => r.accepted && !r.quality.endsWith('720p'))).toBe(true);
    const requestsBefore = indexers.reduce((n, i) => n + i.requests.length, 0);

    const profile = await postJson<{ id: string }>(
      api('/quality-profiles'),
      { name: 'Only 720p', isDefault: true, rules: { qualities: ['WEBDL-720p', 'WEBRip-720p', 'Bluray-720p', 'HDTV-720p'], cutoff: 'WEBDL-720p' } },
      admin.accessToken,
    );
    expect(profile.status).toBe(201);

    await eventually(async () => {
      const after = (await getJson<{ items: Release[] }>(api(`/searches/${search.id}/releases?limit=100`), alice.accessToken)).body.items;
      if (after.some((r) => r.accepted && !r.quality.endsWith('720p'))) throw new Error('not re-ranked yet');
      expect(after.filter((r) => !r.accepted).some((r) => r.rejections.some((x) => x.code === 'quality-not-allowed'))).toBe(true);
    }, 15_000);
    expect(indexers.reduce((n, i) => n + i.requests.length, 0)).toBe(requestsBefore);
    await patchJson(`/quality-profiles/${profile.body.id}`, { name: 'Only 720p (old)' }, admin.accessToken);
  });

  it('answers the parse endpoint like Sonarr does', async () => {
    const parsed = await getJson<{ title: string; season: number; episodes: number[]; quality: string; releaseGroup: string }>(
      api(`/parse?title=${encodeURIComponent('Breaking.Bad.S05E14.Ozymandias.1080p.BluRay.x264-ROVERS')}`),
      alice.accessToken,
    );
    expect(parsed.body).toMatchObject({ title: 'Breaking Bad', season: 5, episodes: [14], quality: 'Bluray-1080p', releaseGroup: 'ROVERS' });
  });
});
