import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FAKE_CAPS_BASIC, FAKE_CAPS_SEARCH_ONLY, FAKE_TORZNAB_RELEASES, generateFakeTorznabReleases, startFakeTorznabIndexer, type FakeTorznabIndexer } from './torznab-server';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name) => ['item', 'category', 'subcat', 'torznab:attr'].includes(name),
});

interface Item {
  title: string;
  link: string;
  'torznab:attr': { name: string; value: string }[];
}

const attr = (item: Item, name: string) => item['torznab:attr'].find((entry) => entry.name === name)?.value;

async function get(indexer: FakeTorznabIndexer, params: Record<string, string>, apiKey = indexer.apiKey): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(`${indexer.url}?${new URLSearchParams({ ...params, apikey: apiKey })}`);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function items(indexer: FakeTorznabIndexer, params: Record<string, string>): Promise<Item[]> {
  const { status, body } = await get(indexer, params);
  expect(status).toBe(200);
  const document = xml.parse(body) as { rss?: { channel: { item?: Item[] } }; error?: unknown };
  if (!document.rss) throw new Error(`not a feed: ${body}`);
  return document.rss.channel.item ?? [];
}

async function errorOf(indexer: FakeTorznabIndexer, params: Record<string, string>): Promise<{ code: string; description: string }> {
  const { body } = await get(indexer, params);
  return (xml.parse(body) as { error: { code: string; description: string } }).error;
}

describe('startFakeTorznabIndexer', () => {
  const started: FakeTorznabIndexer[] = [];
  const start = async (...args: Parameters<typeof startFakeTorznabIndexer>) => {
    const indexer = await startFakeTorznabIndexer(...args);
    started.push(indexer);
    return indexer;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((indexer) => indexer.close()));
  });

  it('listens on 127.0.0.1 at a Jackett-style endpoint and answers caps with the configured modes', async () => {
    const indexer = await start({ name: 'alpha', caps: FAKE_CAPS_BASIC });
    expect(indexer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\.0\/indexers\/alpha\/results\/torznab$/);

    const { status, body } = await get(indexer, { t: 'caps' });
    const caps = xml.parse(body).caps;
    expect(status).toBe(200);
    expect(caps.limits).toEqual({ default: '50', max: '50' });
    expect(caps.searching['tv-search']).toEqual({ available: 'yes', supportedParams: 'q,season,ep' });
    expect(caps.searching['movie-search']).toEqual({ available: 'yes', supportedParams: 'q' });
    expect(caps.categories.category.map((category: { id: string }) => category.id)).toEqual(['2000', '5000']);
  });

  it('answers a wrong api key with Torznab error 100 over HTTP 200, or 401 when asked to', async () => {
    const jackett = await start();
    const { status, body } = await get(jackett, { t: 'search', q: 'Dune' }, 'wrong');
    expect(status).toBe(200);
    expect(xml.parse(body).error).toEqual({ code: '100', description: 'Invalid API Key' });

    const strict = await start({ authFailureStatus: 401 });
    expect((await get(strict, { t: 'caps' }, '')).status).toBe(401);
  });

  it('finds a film by imdbid, newest first, including a release mislabelled with its id', async () => {
    const indexer = await start();
    const found = await items(indexer, { t: 'movie', imdbid: 'tt15239678' });

    expect(found.map((item) => item.title)).toContain('Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX');
    expect(found.map((item) => item.title)).toContain('Dune.2021.1080p.BluRay.DDP7.1.x264-GECKOS');
    expect(found.every((item) => attr(item, 'imdbid') === 'tt15239678')).toBe(true);
    const dates = found.map((item) => Date.parse((item as unknown as { pubDate: string }).pubDate));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('filters tvsearch by tvdbid, season and ep', async () => {
    const indexer = await start();
    const episode = await items(indexer, { t: 'tvsearch', tvdbid: '81189', season: '5', ep: '16' });
    expect(episode.map((item) => item.title).sort()).toEqual([
      'Breaking.Bad.S05E16.720p.HDTV.x264-IMMERSE',
      'Breaking.Bad.S05E16.Felina.1080p.BluRay.x264-ROVERS',
      'El.Camino.A.Breaking.Bad.Movie.2019.1080p.NF.WEB-DL.DDP5.1.x264-NTG',
    ]);

    const season = await items(indexer, { t: 'tvsearch', tvdbid: '81189', season: '1' });
    expect(season.map((item) => item.title)).toEqual(expect.arrayContaining(['Breaking.Bad.S01.1080p.BluRay.x264-ROVERS', 'Breaking.Bad.S01E01.Pilot.1080p.BluRay.x264-ROVERS']));
    expect(season.every((item) => /S01/.test(item.title))).toBe(true);
  });

  it('matches q word by word, ignoring accents and punctuation', async () => {
    const indexer = await start();
    const titles = (await items(indexer, { t: 'search', q: 'Shōgun' })).map((item) => item.title);
    expect(titles).toEqual(expect.arrayContaining(['Shōgun.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb', 'Shogun.1980.S01.1080p.BluRay.x264-OFT']));
    expect(titles.every((title) => /sh[oō]gun/i.test(title))).toBe(true);
  });

  it('restricts to the requested categories, a parent id matching its subcategories', async () => {
    const indexer = await start();
    const uhd = await items(indexer, { t: 'search', q: 'Dune', cat: '2045' });
    expect(uhd.length).toBeGreaterThan(0);
    expect(uhd.every((item) => item['torznab:attr'].some((entry) => entry.name === 'category' && entry.value === '2045'))).toBe(true);
    const tv = await items(indexer, { t: 'search', cat: '5000' });
    expect(tv.every((item) => attr(item, 'category') === '5000')).toBe(true);
  });

  it('pages with limit and offset, clamping limit to the caps maximum', async () => {
    const indexer = await start({ generate: { count: 130, seed: 'paging' } });
    const first = await items(indexer, { t: 'search', limit: '500' });
    const second = await items(indexer, { t: 'search', limit: '100', offset: '100' });
    expect(first).toHaveLength(100);
    expect(second).toHaveLength(30);
    const hashes = [...first, ...second].map((item) => attr(item, 'infohash'));
    expect(new Set(hashes).size).toBe(130);
  });

  it('answers unknown, unavailable and unsupported requests with Torznab errors 202, 203 and 201', async () => {
    const indexer = await start({ caps: FAKE_CAPS_SEARCH_ONLY });
    expect(await errorOf(indexer, { t: 'frobnicate' })).toMatchObject({ code: '202' });
    expect(await errorOf(indexer, { t: 'movie', q: 'Dune' })).toMatchObject({ code: '203' });
    expect(await errorOf(indexer, { t: 'music', q: 'Dune' })).toMatchObject({ code: '203' });
    expect(await errorOf(indexer, {})).toMatchObject({ code: '200' });

    const basic = await start({ caps: FAKE_CAPS_BASIC });
    expect(await errorOf(basic, { t: 'movie', imdbid: 'tt15239678' })).toMatchObject({ code: '203', description: expect.stringContaining('imdbid') });
    expect(await errorOf(basic, { t: 'tvsearch', q: 'Breaking Bad', season: 'one' })).toMatchObject({ code: '201' });

    const full = await start();
    expect(await errorOf(full, { t: 'movie', imdbid: 'nm0000123' })).toMatchObject({ code: '201' });
  });

  it('returns 429 with Retry-After in seconds once the request budget is spent', async () => {
    const indexer = await start({ rateLimit: { afterRequests: 2, retryAfterSeconds: 30 } });
    expect((await get(indexer, { t: 'caps' })).status).toBe(200);
    expect((await get(indexer, { t: 'search', q: 'Dune' })).status).toBe(200);
    const limited = await get(indexer, { t: 'search', q: 'Dune' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(xml.parse(limited.body).error).toMatchObject({ code: '900' });
  });

  it('can give Retry-After as an HTTP date', async () => {
    const indexer = await start({ rateLimit: { afterRequests: 0, retryAfterSeconds: 120, retryAfterFormat: 'http-date' } });
    const limited = await get(indexer, { t: 'caps' });
    const retryAt = Date.parse(limited.headers.get('retry-after') ?? '');
    expect(limited.status).toBe(429);
    expect(retryAt - Date.now()).toBeGreaterThan(100_000);
  });

  it('fails with HTTP 500, a reset connection, or truncated XML when told to', async () => {
    const failing = await start({ fail: 'http500' });
    const error = await get(failing, { t: 'caps' });
    expect(error.status).toBe(500);
    expect(error.headers.get('content-type')).toContain('text/html');

    const resetting = await start({ fail: 'reset' });
    const reset = await get(resetting, { t: 'caps' }).catch((error: unknown) => error);
    expect(reset).toMatchObject({ message: 'fetch failed', cause: expect.objectContaining({ code: 'ECONNRESET' }) });

    const broken = await start({ brokenXml: true });
    const { status, body } = await get(broken, { t: 'search', q: 'Dune' });
    expect(status).toBe(200);
    expect(body.startsWith('<?xml')).toBe(true);
    expect(XMLValidator.validate(body)).not.toBe(true);
  });

  it('delays its answers by delayMs, and can be reconfigured while running', async () => {
    const indexer = await start({ delayMs: 150 });
    let started = Date.now();
    await get(indexer, { t: 'caps' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    indexer.configure({});
    started = Date.now();
    await get(indexer, { t: 'caps' });
    expect(Date.now() - started).toBeLessThan(140);
  });

  it('records each request with the api key redacted', async () => {
    const indexer = await start();
    await get(indexer, { t: 'movie', imdbid: 'tt15398776', cat: '2000,2040' });

    expect(indexer.requests).toHaveLength(1);
    expect(indexer.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v2.0/indexers/fake-torznab/results/torznab',
      query: { t: 'movie', imdbid: 'tt15398776', cat: '2000,2040', apikey: 'REDACTED' },
    });
    expect(indexer.requests[0]?.time).toBeInstanceOf(Date);
    expect(JSON.stringify(indexer.requests)).not.toContain(indexer.apiKey);
  });

  it('serves one site of the catalogue under its own titles, sharing info-hashes with the other sites', async () => {
    const alpha = await start({ name: 'alpha', site: 'alpha' });
    const gamma = await start({ name: 'gamma', site: 'gamma', flavour: 'prowlarr' });
    expect(gamma.url).toMatch(/\/gamma\/api$/);

    const onAlpha = await items(alpha, { t: 'search', q: 'Dune Part Two 720p' });
    const onGamma = await items(gamma, { t: 'search', q: 'Dune Part Two 720p' });
    expect(onAlpha.map((item) => item.title)).toEqual(['Dune.Part.Two.2024.720p.WEBRip.x264.AAC-YTS']);
    expect(onGamma.map((item) => item.title)).toEqual(['Dune: Part Two (2024) [720p] [WEBRip] [YTS.MX]']);
    // Magnet-only on both sites: the shared hash is only in the magnet, the same on each.
    const btih = (item: Item) => attr(item, 'magneturl')?.match(/urn:btih:([0-9a-f]{40})/)?.[1];
    expect(attr(onAlpha[0]!, 'infohash')).toBeUndefined();
    expect(btih(onAlpha[0]!)).toBeDefined();
    expect(btih(onAlpha[0]!)).toBe(btih(onGamma[0]!));
  });

  it('redirects a download link to the magnet', async () => {
    const indexer = await start();
    const [item] = await items(indexer, { t: 'search', q: 'Oppenheimer 2160p AMZN' });
    const response = await fetch(item!.link, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^magnet:\?xt=urn:btih:[0-9a-f]{40}&dn=Oppenheimer/);
  });

  it('writes the Prowlarr dialect: rss 1.0, bare imdb digits, a freeleech tag', async () => {
    const indexer = await start({ flavour: 'prowlarr', site: 'beta' });
    const { body } = await get(indexer, { t: 'movie', tmdbid: '872585' });
    expect(body).toContain('<rss version="1.0"');
    const found = await items(indexer, { t: 'movie', tmdbid: '872585' });
    const remux = found.find((item) => item.title.includes('REMUX'));
    expect(attr(remux!, 'imdb')).toBe('15398776');
    expect(attr(remux!, 'imdbid')).toBeUndefined();
    expect(attr(remux!, 'downloadvolumefactor')).toBe('0.5');
  });
});

describe('the default catalogue', () => {
  it('has unique, well-formed info-hashes and lists some hashes on several sites', () => {
    const hashes = FAKE_TORZNAB_RELEASES.map((release) => release.infoHash);
    expect(hashes.every((hash) => /^[0-9a-f]{40}$/.test(hash))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(FAKE_TORZNAB_RELEASES.filter((release) => release.sites.length > 1).length).toBeGreaterThan(10);
    expect(new Set(FAKE_TORZNAB_RELEASES.map((release) => release.trait).filter(Boolean))).toEqual(new Set(['cam', 'fake', 'mislabeled']));
  });
});

describe('generateFakeTorznabReleases', () => {
  it('produces distinct, plausible releases deterministically per seed', () => {
    const releases = generateFakeTorznabReleases({ count: 300, seed: 'load', works: ['dune-part-two', 'breaking-bad'] });
    expect(releases).toHaveLength(300);
    expect(new Set(releases.map((release) => release.infoHash)).size).toBe(300);
    expect(new Set(releases.map((release) => release.title)).size).toBe(300);
    for (const release of releases) {
      expect(release.title).toMatch(/^(Dune\.Part\.Two\.2024|Breaking\.Bad\.S\d\d(E\d\d)?)\..*(2160p|1080p|720p|576p).*-[A-Za-z0-9]+$/);
      expect(release.size).toBeGreaterThan(200 * 1024 ** 2);
      expect(release.peers).toBeGreaterThanOrEqual(release.seeders);
    }
    expect(generateFakeTorznabReleases({ count: 5, seed: 'load' })).toEqual(generateFakeTorznabReleases({ count: 5, seed: 'load' }));
    expect(generateFakeTorznabReleases({ count: 5, seed: 'other' })[0]?.infoHash).not.toBe(generateFakeTorznabReleases({ count: 5, seed: 'load' })[0]?.infoHash);
  });
});
