import { FAKE_CAPS_BASIC, FAKE_CAPS_SEARCH_ONLY, FAKE_TORZNAB_RELEASES, startFakeTorznabIndexer, type FakeTorznabIndexer, type FakeTorznabIndexerOptions } from '@sokoul/fakes';
import { TorznabClient, type TorznabClientOptions } from './client';
import { TorznabApiError, TorznabAuthError, TorznabError, TorznabFeedError, TorznabHttpError, TorznabNetworkError, TorznabRateLimitedError, TorznabTimeoutError } from './errors';

/** The Torznab client against the fake indexer over real HTTP on 127.0.0.1. */
describe('TorznabClient against a Torznab indexer', () => {
  const indexers: FakeTorznabIndexer[] = [];

  async function indexer(options: FakeTorznabIndexerOptions = {}): Promise<FakeTorznabIndexer> {
    const started = await startFakeTorznabIndexer(options);
    indexers.push(started);
    return started;
  }

  function clientFor(fake: FakeTorznabIndexer, options: Partial<TorznabClientOptions> = {}): TorznabClient {
    return new TorznabClient({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: 2_000, ...options });
  }

  async function failure(promise: Promise<unknown>): Promise<TorznabError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof TorznabError)) throw new Error(`expected a TorznabError, got ${String(error)}`);
    return error;
  }

  function expectNoKey(error: TorznabError, apiKey: string): void {
    expect(error.message).not.toContain(apiKey);
    expect(String(error.stack)).not.toContain(apiKey);
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect(error.url).toContain('apikey=REDACTED');
  }

  afterEach(async () => {
    await Promise.all(indexers.splice(0).map((fake) => fake.close()));
  });

  describe('searching', () => {
    it('reads the caps and asks for them with the key, once per client', async () => {
      const fake = await indexer({ name: 'torrentleech' });
      const client = clientFor(fake);

      const caps = await client.capabilities();
      await client.capabilities();

      expect(caps.searching.movieSearch).toEqual({ available: true, supportedParams: ['q', 'imdbid', 'tmdbid'] });
      expect(caps.limits).toEqual({ max: 100, default: 100 });
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]?.query).toEqual({ t: 'caps', apikey: 'REDACTED' });
    });

    it('searches a film by IMDb and TMDB id when the indexer supports them', async () => {
      const fake = await indexer();
      const client = clientFor(fake);

      const result = await client.search({ text: 'Dune Part Two', imdbId: 'tt15239678', tmdbId: 693134, categories: [2000] });

      expect(result.query).toEqual({ t: 'movie', imdbId: 'tt15239678', tmdbId: 693134, categories: [2000] });
      expect(fake.requests.at(-1)?.query).toEqual({ t: 'movie', extended: '1', imdbid: 'tt15239678', tmdbid: '693134', cat: '2000', apikey: 'REDACTED' });
      expect(result.skipped).toEqual([]);
      expect(result.releases.length).toBeGreaterThanOrEqual(8);
      expect(result.releases.every((release) => release.imdbId === 'tt15239678' && /^[0-9a-f]{40}$/.test(release.infoHash ?? ''))).toBe(true);
      const flux = result.releases.find((release) => release.title === 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX');
      expect(flux).toMatchObject({ size: Math.round(25.87 * 1024 ** 3), categories: [2000, 2045], seeders: 1843, peers: 2115, leechers: 272, tmdbId: 693134 });
      expect(flux?.publishDate?.toISOString()).toBe('2024-04-16T07:12:44.000Z');
    });

    it('falls back to a text search on an indexer without id search', async () => {
      const fake = await indexer({ caps: FAKE_CAPS_BASIC });
      const result = await clientFor(fake).search({ text: 'Oppenheimer 2023', imdbId: 'tt15398776' });

      expect(fake.requests.at(-1)?.query).toMatchObject({ t: 'search', q: 'Oppenheimer 2023' });
      expect(result.releases.map((release) => release.title)).toContain('Oppenheimer.2023.1080p.HDTS.x264-C1NEM4');
    });

    it('searches an episode by tvdb id with season and ep, or by text with season and ep', async () => {
      const full = await indexer();
      const episode = await clientFor(full).search({ text: 'Breaking Bad', tvdbId: 81189, season: 5, episode: 14 });
      expect(full.requests.at(-1)?.query).toMatchObject({ t: 'tvsearch', tvdbid: '81189', season: '5', ep: '14' });
      expect(episode.releases.map((release) => release.title)).toEqual(['Breaking.Bad.S05E14.Ozymandias.1080p.BluRay.x264-ROVERS']);

      const basic = await indexer({ caps: FAKE_CAPS_BASIC });
      await clientFor(basic).search({ text: 'Breaking Bad', tvdbId: 81189, season: 5, episode: 14 });
      expect(basic.requests.at(-1)?.query).toMatchObject({ t: 'tvsearch', q: 'Breaking Bad', season: '5', ep: '14' });
    });

    it('puts S05E16 in the text on an indexer that only does free-text search', async () => {
      const fake = await indexer({ caps: FAKE_CAPS_SEARCH_ONLY, flavour: 'prowlarr' });
      const result = await clientFor(fake).search({ text: 'Breaking Bad', tvdbId: 81189, season: 5, episode: 16 });

      expect(fake.url).toMatch(/\/fake-torznab\/api$/);
      expect(fake.requests.at(-1)?.query).toMatchObject({ t: 'search', q: 'Breaking Bad S05E16' });
      expect(result.releases.map((release) => release.title).sort()).toEqual(['Breaking.Bad.S05E16.720p.HDTV.x264-IMMERSE', 'Breaking.Bad.S05E16.Felina.1080p.BluRay.x264-ROVERS']);
      const felina = result.releases.find((release) => release.title.includes('Felina'));
      expect(felina?.infoHash).toMatch(/^[0-9a-f]{40}$/);
      expect(felina?.downloadUrl).toBeUndefined();
      expect(felina?.magnetUrl).toMatch(/^magnet:/);
    });

    it('lets the scout merge the same release across indexers by info-hash, whatever the title or encoding', async () => {
      const sites = await Promise.all((['alpha', 'beta', 'gamma'] as const).map((site, index) => indexer({ name: site, site, flavour: index === 1 ? 'prowlarr' : 'jackett' })));
      const results = await Promise.all(sites.map((fake) => clientFor(fake).search({ text: 'Shogun', kind: 'tv', imdbId: 'tt2788316', season: 1 })));

      const titlesByHash = new Map<string, Set<string>>();
      for (const release of results.flatMap((result) => result.releases)) {
        expect(release.infoHash).toMatch(/^[0-9a-f]{40}$/);
        const titles = titlesByHash.get(release.infoHash ?? '') ?? new Set<string>();
        titles.add(release.title);
        titlesByHash.set(release.infoHash ?? '', titles);
      }
      const total = results.reduce((sum, result) => sum + result.releases.length, 0);
      expect(titlesByHash.size).toBeLessThan(total);
      const renamed = [...titlesByHash.values()].find((titles) => titles.size > 1);
      expect(renamed).toEqual(new Set(['Shōgun.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb', 'Shogun.2024.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb']));
    });

    it('recovers the info-hash of a magnet-only release whose magnet carries a base32 btih', async () => {
      const gamma = await indexer({ name: 'gamma', site: 'gamma' });
      const result = await clientFor(gamma).search({ text: 'Dune 2021 720p' });
      const yts = FAKE_TORZNAB_RELEASES.find((release) => release.title === 'Dune.2021.720p.WEBRip.x264.AAC-YTS');

      expect(yts?.advertised).toEqual({ base32: true, magnetOnly: true });
      expect(result.releases.map((release) => release.infoHash)).toEqual([yts?.infoHash]);
      expect(result.releases[0]?.magnetUrl).toMatch(/urn:btih:[A-Z2-7]{32}&/);
    });

    it('answers 100 results from each of several indexers at once', async () => {
      const fakes = await Promise.all(Array.from({ length: 5 }, (_, index) => indexer({ name: `load-${index}`, generate: { count: 100, works: ['dune-part-two'] } })));
      const results = await Promise.all(fakes.map((fake) => clientFor(fake).search({ text: 'Dune Part Two' })));

      for (const result of results) {
        expect(result.releases).toHaveLength(100);
        expect(result.skipped).toEqual([]);
        expect(new Set(result.releases.map((release) => release.infoHash)).size).toBe(100);
      }
      expect(new Set(results.flatMap((result) => result.releases.map((release) => release.infoHash))).size).toBe(500);
    });

    it('sends an explicit query as it is and reports the Torznab error the indexer answers', async () => {
      const fake = await indexer({ caps: FAKE_CAPS_BASIC });
      const error = await failure(clientFor(fake).query({ t: 'movie', imdbId: 'tt15239678' }));

      expect(error).toBeInstanceOf(TorznabApiError);
      expect(error).toMatchObject({ kind: 'api', code: 203 });
      expectNoKey(error, fake.apiKey);
    });
  });

  describe('failures', () => {
    it('throws TorznabAuthError for a wrong key, whether the indexer answers 200 or 401', async () => {
      const jackett = await indexer();
      const wrong = await failure(clientFor(jackett, { apiKey: 'not-the-key-0123456789' }).search({ text: 'Dune' }));
      expect(wrong).toBeInstanceOf(TorznabAuthError);
      expect(wrong).toMatchObject({ code: 100, status: 200 });
      expectNoKey(wrong, 'not-the-key-0123456789');

      const strict = await indexer({ authFailureStatus: 401 });
      const refused = await failure(clientFor(strict, { apiKey: 'another-wrong-key-42' }).capabilities());
      expect(refused).toBeInstanceOf(TorznabAuthError);
      expect(refused).toMatchObject({ code: 100, status: 401 });
    });

    it('gives up on a slow indexer after timeoutMs with TorznabTimeoutError', async () => {
      const fake = await indexer({ delayMs: 1_000 });
      const started = Date.now();
      const error = await failure(clientFor(fake, { timeoutMs: 150 }).capabilities());

      expect(error).toBeInstanceOf(TorznabTimeoutError);
      expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 150 });
      expect(Date.now() - started).toBeLessThan(900);
      expectNoKey(error, fake.apiKey);
    });

    it('throws TorznabHttpError with the status for an HTTP 500 page', async () => {
      const fake = await indexer({ fail: 'http500' });
      const error = await failure(clientFor(fake).capabilities());

      expect(error).toBeInstanceOf(TorznabHttpError);
      expect(error).toMatchObject({ status: 500 });
      expectNoKey(error, fake.apiKey);
    });

    it('throws TorznabNetworkError when the connection is reset', async () => {
      const fake = await indexer({ fail: 'reset' });
      const error = await failure(clientFor(fake).capabilities());

      expect(error).toBeInstanceOf(TorznabNetworkError);
      expect(error).toMatchObject({ code: 'ECONNRESET' });
      expectNoKey(error, fake.apiKey);
    });

    it('throws TorznabFeedError for truncated XML', async () => {
      const fake = await indexer();
      const client = clientFor(fake);
      await client.capabilities();
      fake.configure({ brokenXml: true });

      const error = await failure(client.search({ text: 'Dune' }));
      expect(error).toBeInstanceOf(TorznabFeedError);
      expectNoKey(error, fake.apiKey);
    });

    it('refuses an answer larger than maxResponseBytes', async () => {
      const fake = await indexer({ generate: { count: 100 } });
      const error = await failure(clientFor(fake, { maxResponseBytes: 16 * 1024 }).query({ t: 'search' }));

      expect(error).toBeInstanceOf(TorznabFeedError);
      expect(error.message).toContain('exceeds 16384 bytes');
    });

    it('throws TorznabRateLimitedError with Retry-After in milliseconds, from seconds or an HTTP date', async () => {
      const seconds = await indexer({ rateLimit: { afterRequests: 1, retryAfterSeconds: 30 } });
      const limited = await failure(clientFor(seconds).search({ text: 'Dune' }));
      expect(limited).toBeInstanceOf(TorznabRateLimitedError);
      expect(limited).toMatchObject({ retryAfterMs: 30_000, status: 429 });
      expectNoKey(limited, seconds.apiKey);

      const dated = await indexer({ rateLimit: { afterRequests: 0, retryAfterSeconds: 120, retryAfterFormat: 'http-date' } });
      const later = await failure(clientFor(dated).capabilities());
      expect(later).toBeInstanceOf(TorznabRateLimitedError);
      expect((later as TorznabRateLimitedError).retryAfterMs).toBeGreaterThan(115_000);
      expect((later as TorznabRateLimitedError).retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('does not remember failed caps, so the next call asks again', async () => {
      const fake = await indexer({ fail: 'http500' });
      const client = clientFor(fake);
      await failure(client.capabilities());
      fake.configure({});

      await expect(client.capabilities()).resolves.toMatchObject({ server: { title: 'Jackett' } });
      expect(fake.requests.filter((request) => request.query['t'] === 'caps')).toHaveLength(2);
    });

    it('rejects with the caller’s reason when the caller aborts', async () => {
      const fake = await indexer({ delayMs: 1_000 });
      const controller = new AbortController();
      const pending = clientFor(fake).capabilities({ signal: controller.signal });
      controller.abort(new Error('search cancelled'));

      await expect(pending).rejects.toThrow('search cancelled');
    });

    it('throws TorznabNetworkError when nothing listens', async () => {
      const fake = await indexer();
      const url = fake.url;
      await fake.close();
      const error = await failure(new TorznabClient({ baseUrl: url, apiKey: fake.apiKey }).capabilities());

      expect(error).toBeInstanceOf(TorznabNetworkError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    });

    it('keeps the key out of what a logger would print of the client', () => {
      const client = new TorznabClient({ baseUrl: 'http://prowlarr:9696/1/api?apikey=inline-secret-key', apiKey: 'inline-secret-key' });
      expect(JSON.stringify(client)).toBe('{"baseUrl":"http://prowlarr:9696/1/api?apikey=REDACTED"}');
      expect(client.baseUrl).not.toContain('inline-secret-key');
    });
  });
});
