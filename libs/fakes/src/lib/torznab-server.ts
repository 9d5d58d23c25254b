import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { FAKE_CAPS_FULL, type FakeTorznabCaps, type FakeTorznabSearchMode } from './torznab/caps';
import {
  FAKE_TORZNAB_RELEASES,
  FAKE_TORZNAB_WORKS,
  type FakeTorznabRelease,
  type FakeTorznabSite,
  type FakeTorznabWork,
} from './torznab/catalogue';
import {
  FAKE_AUDIO,
  FAKE_EDITIONS,
  FAKE_GROUPS,
  FAKE_HDR_TAGS,
  FAKE_RESOLUTIONS,
  FAKE_SOURCES,
  type FakeResolution,
} from './torznab/vocabulary';
import { listenOnLoopback } from './listen-on-loopback';

export * from './torznab/caps';
export * from './torznab/catalogue';

/**
 * A local Torznab indexer for tests: `node:http` on 127.0.0.1, an ephemeral port, the real
 * protocol (`t=caps`, `t=search|tvsearch|movie`, Torznab `<error>` answers) in Jackett's or
 * Prowlarr's dialect, and faults that can be switched on per indexer.
 */

export type FakeTorznabFlavour = 'jackett' | 'prowlarr';

/** Faults; all can be changed while the indexer runs with `configure`. */
export interface FakeTorznabBehaviour {
  /** Wait this long before answering each request. */
  readonly delayMs?: number;
  /** `http500`: answer 500 with an HTML page; `reset`: destroy the connection (TCP RST). */
  readonly fail?: 'http500' | 'reset';
  /** Answer a truncated, invalid XML document. */
  readonly brokenXml?: boolean;
  /**
   * Answer 429 with `Retry-After` once more than `afterRequests` requests arrived; the window
   * reopens `retryAfterSeconds` later. `retryAfterFormat` picks delta-seconds or an HTTP date.
   */
  readonly rateLimit?: {
    readonly afterRequests: number;
    readonly retryAfterSeconds: number;
    readonly retryAfterFormat?: 'seconds' | 'http-date';
  };
}

export interface FakeTorznabGenerateOptions {
  /** How many distinct releases to produce. */
  readonly count: number;
  /** Same seed, same releases (and info-hashes); defaults to the indexer's name. */
  readonly seed?: string;
  /** Ids from `FAKE_TORZNAB_WORKS` to spread the releases over; all of them by default. */
  readonly works?: readonly string[];
}

export interface FakeTorznabIndexerOptions extends FakeTorznabBehaviour {
  /** Slug in the URL and channel title. Default `fake-torznab`. */
  readonly name?: string;
  /** URL layout and XML dialect. Default `jackett`. */
  readonly flavour?: FakeTorznabFlavour;
  /** Default: 32 random hex characters. */
  readonly apiKey?: string;
  /** Default `FAKE_CAPS_FULL`. */
  readonly caps?: FakeTorznabCaps;
  /** Serve only the curated releases this site lists, under the titles it gives them. */
  readonly site?: FakeTorznabSite;
  /** Replace the curated catalogue. */
  readonly releases?: readonly FakeTorznabRelease[];
  /** Serve `count` generated releases (instead of the curated catalogue unless `releases` is given). */
  readonly generate?: FakeTorznabGenerateOptions;
  /** HTTP status of the `<error code="100">` answer to a wrong key: 200 like Jackett (default) or 401. */
  readonly authFailureStatus?: 200 | 401;
  /** The trackers its magnet links name; public ones by default (a test with a real swarm gives its own). */
  readonly trackers?: readonly string[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Query parameters, first value of each, with every `*apikey` value replaced by `REDACTED`. */
  readonly query: Readonly<Record<string, string>>;
  readonly time: Date;
}

export interface FakeTorznabIndexer {
  /** The Torznab endpoint to give a client (append `?t=...`). */
  readonly url: string;
  readonly apiKey: string;
  readonly name: string;
  /** Every request received, oldest first (a live view). */
  readonly requests: readonly RecordedRequest[];
  /** The releases this indexer serves, with the titles it shows. */
  readonly releases: readonly FakeTorznabRelease[];
  /** Replace the faults (delay, failure, broken XML, rate limit). */
  configure(behaviour: FakeTorznabBehaviour): void;
  close(): Promise<void>;
}

const TORZNAB_NS = 'http://torznab.com/schemas/2015/feed';
const ATOM_NS = 'http://www.w3.org/2005/Atom';
const KNOWN_FUNCTIONS = new Set(['caps', 'search', 'tvsearch', 'movie', 'music', 'book', 'details', 'getnfo', 'get', 'register', 'cartadd', 'cartdel']);
/** Generated releases are published between their work's year (2010 at the earliest) and this. */
const LATEST_PUBLISH_DATE = Date.UTC(2025, 5, 1);
const SEARCH_PARAMS = ['q', 'imdbid', 'tmdbid', 'tvdbid', 'rid', 'tvmazeid', 'traktid', 'season', 'ep'] as const;

export async function startFakeTorznabIndexer(options: FakeTorznabIndexerOptions = {}): Promise<FakeTorznabIndexer> {
  const name = options.name ?? 'fake-torznab';
  const flavour = options.flavour ?? 'jackett';
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');
  const caps = options.caps ?? FAKE_CAPS_FULL;
  const releases = catalogueFor(options, name);
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let behaviour: FakeTorznabBehaviour = pickBehaviour(options);
  let rate = { count: 0, limitedUntil: 0 };
  let origin = '';

  const endpoint = flavour === 'jackett' ? `/api/v2.0/indexers/${encodeURIComponent(name)}/results/torznab` : `/${encodeURIComponent(name)}/api`;
  const endpoints = new Set([endpoint, `${endpoint}/`, `${endpoint}/api`]);

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500).end();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (!(key in query)) query[key] = value;
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: redactQuery(query), time: new Date() });

    const download = matchDownload(url.pathname);
    if (!endpoints.has(url.pathname) && download === undefined) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      return;
    }

    const limit = behaviour.rateLimit;
    if (limit) {
      const now = Date.now();
      if (rate.limitedUntil !== 0 && now >= rate.limitedUntil) rate = { count: 0, limitedUntil: 0 };
      rate.count += 1;
      if (rate.limitedUntil === 0 && rate.count > limit.afterRequests) rate.limitedUntil = now + limit.retryAfterSeconds * 1000;
      if (rate.limitedUntil !== 0) {
        const retryAfter =
          limit.retryAfterFormat === 'http-date'
            ? new Date(rate.limitedUntil).toUTCString()
            : String(Math.max(0, Math.ceil((rate.limitedUntil - now) / 1000)));
        res.setHeader('Retry-After', retryAfter);
        send(res, 429, 'application/xml; charset=utf-8', errorXml(900, 'Request limit reached'));
        return;
      }
    }

    if (behaviour.delayMs) {
      const ms = behaviour.delayMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    }
    if (res.destroyed || req.socket.destroyed) return;

    if (behaviour.fail === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (behaviour.fail === 'http500') {
      send(res, 500, 'text/html; charset=utf-8', '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>');
      return;
    }

    const key = query['apikey'] ?? query['jackett_apikey'] ?? '';
    if (key !== apiKey) {
      send(res, options.authFailureStatus ?? 200, 'application/xml; charset=utf-8', errorXml(100, 'Invalid API Key'));
      return;
    }

    if (download !== undefined) {
      const release = releases.find((candidate) => candidate.infoHash === download);
      if (!release) {
        send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
        return;
      }
      res.setHeader('Location', magnetFor(release, release.title, options.trackers ?? TRACKERS));
      send(res, 302, 'text/plain; charset=utf-8', '');
      return;
    }

    const answer = respond(query);
    const body = behaviour.brokenXml ? answer.body.slice(0, Math.floor(answer.body.length * 0.6)) : answer.body;
    send(res, answer.status, answer.contentType, body);
  }

  function respond(query: Record<string, string>): { status: number; contentType: string; body: string } {
    const xml = (body: string, contentType = 'application/rss+xml; charset=utf-8') => ({ status: 200, contentType, body });
    const t = (query['t'] ?? '').toLowerCase();
    if (t === '') return xml(errorXml(200, 'Missing parameter (t)'), 'application/xml; charset=utf-8');
    if (t === 'caps') return xml(capsXml(caps, flavour));
    if (!KNOWN_FUNCTIONS.has(t)) return xml(errorXml(202, `No such function (${t})`), 'application/xml; charset=utf-8');

    const mode = modeFor(caps, t);
    if (!mode || !mode.available) return xml(errorXml(203, `Function not available (${t})`), 'application/xml; charset=utf-8');

    if (t !== 'search') {
      for (const param of SEARCH_PARAMS) {
        if (query[param] && !mode.supportedParams.includes(param)) {
          return xml(errorXml(203, `Function not available: ${param} is not supported by this indexer for t=${t}`), 'application/xml; charset=utf-8');
        }
      }
    }

    const parsed = parseSearch(query, t, caps);
    if (typeof parsed === 'string') return xml(errorXml(201, `Incorrect parameter: ${parsed}`), 'application/xml; charset=utf-8');

    const matching = releases
      .filter((release) => matches(release, parsed))
      .sort((a, b) => Date.parse(b.publishDate) - Date.parse(a.publishDate));
    const page = matching.slice(parsed.offset, parsed.offset + parsed.limit);
    return xml(feedXml(page, { flavour, name, origin, apiKey, trackers: options.trackers ?? TRACKERS }));
  }

  origin = await listenOnLoopback(server);

  function matchDownload(path: string): string | undefined {
    const match = path.match(/\/(?:dl\/[^/]+|download)\/([0-9a-f]{40})$/);
    return match?.[1];
  }

  return {
    url: `${origin}${endpoint}`,
    apiKey,
    name,
    requests,
    releases,
    configure(next: FakeTorznabBehaviour): void {
      behaviour = pickBehaviour(next);
      rate = { count: 0, limitedUntil: 0 };
    },
    async close(): Promise<void> {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pickBehaviour(options: FakeTorznabBehaviour): FakeTorznabBehaviour {
  return { delayMs: options.delayMs, fail: options.fail, brokenXml: options.brokenXml, rateLimit: options.rateLimit };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function redactQuery(query: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    redacted[key] = /apikey$|passkey$/i.test(key) ? 'REDACTED' : value;
  }
  return redacted;
}

// --- catalogue ------------------------------------------------------------------------------

function catalogueFor(options: FakeTorznabIndexerOptions, name: string): readonly FakeTorznabRelease[] {
  const generated = options.generate ? generateFakeTorznabReleases({ seed: name, ...options.generate }) : [];
  let base: readonly FakeTorznabRelease[] = options.releases ?? (options.generate ? [] : FAKE_TORZNAB_RELEASES);
  const site = options.site;
  if (site) {
    base = base
      .filter((release) => release.sites.includes(site))
      .map((release) => ({ ...release, title: release.titleOn?.[site] ?? release.title }));
  }
  return [...base, ...generated];
}

/**
 * `count` distinct, plausible releases (unique titles and info-hashes) spread over the given
 * works; deterministic for a given seed.
 */
export function generateFakeTorznabReleases(options: FakeTorznabGenerateOptions): FakeTorznabRelease[] {
  const seed = options.seed ?? 'fake-torznab';
  const random = mulberry32(hash32(seed));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`generate.count must be a non-negative integer, not ${options.count}`);
  const works = options.works ? FAKE_TORZNAB_WORKS.filter((work) => options.works?.includes(work.id)) : FAKE_TORZNAB_WORKS;
  if (works.length === 0) throw new Error(`generate.works matches no work; known: ${FAKE_TORZNAB_WORKS.map((work) => work.id).join(', ')}`);

  const titles = new Set<string>();
  const releases: FakeTorznabRelease[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const work = works[index % works.length] as FakeTorznabWork;
    let draft = draftRelease(work, random, pick);
    for (let attempt = 0; titles.has(draft.title) && attempt < 20; attempt += 1) draft = draftRelease(work, random, pick);
    if (titles.has(draft.title)) draft = { ...draft, title: draft.title.replace(/-([^-]+)$/, `.REPACK${index}-$1`) };
    titles.add(draft.title);

    const seeders = Math.floor(-Math.log(1 - random()) * 250);
    const from = Date.UTC(Math.max(work.year, 2010), 0, 1);
    const published = from + random() * (LATEST_PUBLISH_DATE - from);
    releases.push({
      title: draft.title,
      infoHash: createHash('sha1').update(`${seed}:${index}:${draft.title}`).digest('hex'),
      size: draft.size,
      categories: draft.categories,
      seeders,
      peers: seeders + Math.floor(random() * (seeders * 0.3 + 20)),
      publishDate: new Date(Math.floor(published / 1000) * 1000).toISOString(),
      imdbId: work.imdbId,
      tmdbId: work.tmdbId,
      ...(work.tvdbId === undefined ? {} : { tvdbId: work.tvdbId }),
      ...(draft.season === undefined ? {} : { season: draft.season }),
      ...(draft.episode === undefined ? {} : { episode: draft.episode }),
      files: draft.files,
      grabs: Math.floor(seeders * (5 + random() * 40)),
      sites: ['alpha', 'beta', 'gamma'],
    });
  }
  return releases;
}

interface Draft {
  title: string;
  size: number;
  categories: number[];
  season?: number;
  episode?: number;
  files: number;
}

function draftRelease(work: FakeTorznabWork, random: () => number, pick: <T>(items: readonly T[]) => T): Draft {
  const resolution = weighted(FAKE_RESOLUTIONS, random);
  const source = pick(FAKE_SOURCES.filter((candidate) => !candidate.remux || resolution.tag === '2160p' || resolution.tag === '1080p'));
  const codec = codecFor(source.tag, resolution, random);
  const hdr = resolution.tag === '2160p' ? pick(FAKE_HDR_TAGS) : '';
  const edition = work.kind === 'movie' ? pick(FAKE_EDITIONS) : '';
  const group = pick(FAKE_GROUPS);
  const [minGiB, maxGiB] = resolution.movieGiB;
  const movieBytes = (minGiB + random() * (maxGiB - minGiB)) * source.sizeFactor * 1024 ** 3;
  const tail = [resolution.tag, source.tag, hdr, pick(FAKE_AUDIO), codec].filter(Boolean).join('.');

  if (work.kind === 'movie') {
    return {
      title: [work.releaseTitle, work.year, edition, tail].filter(Boolean).join('.') + `-${group}`,
      size: Math.round(Math.max(movieBytes, 0.6 * 1024 ** 3)),
      categories: [2000, resolution.movieCategory],
      files: 1 + Math.floor(random() * 3),
    };
  }
  const seasons = work.episodesPerSeason ?? [10];
  const season = 1 + Math.floor(random() * seasons.length);
  const episodes = seasons[season - 1] ?? 10;
  const episodeBytes = Math.max(movieBytes / 8, 0.25 * 1024 ** 3);
  const categories = [5000, resolution.tvCategory];
  if (random() < 0.15) {
    return { title: `${work.releaseTitle}.S${pad(season)}.${tail}-${group}`, size: Math.round(episodeBytes * episodes), categories, season, files: episodes + 1 };
  }
  const episode = 1 + Math.floor(random() * episodes);
  return { title: `${work.releaseTitle}.S${pad(season)}E${pad(episode)}.${tail}-${group}`, size: Math.round(episodeBytes), categories, season, episode, files: 1 };
}

function codecFor(source: string, resolution: FakeResolution, random: () => number): string {
  const hevc = resolution.tag === '2160p' || random() < 0.3;
  if (source.includes('REMUX')) return hevc ? 'HEVC' : 'AVC';
  if (source.includes('WEB-DL')) return hevc ? 'H.265' : 'H.264';
  return hevc ? 'x265' : 'x264';
}

function weighted(items: readonly FakeResolution[], random: () => number): FakeResolution {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1] as FakeResolution;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function hash32(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

// --- searching ------------------------------------------------------------------------------

interface ParsedSearch {
  t: string;
  words: string[];
  imdbId?: string;
  tmdbId?: number;
  tvdbId?: number;
  season?: number;
  episode?: number;
  categories?: number[];
  limit: number;
  offset: number;
}

function modeFor(caps: FakeTorznabCaps, t: string): FakeTorznabSearchMode | undefined {
  if (t === 'search') return caps.search;
  if (t === 'tvsearch') return caps.tvSearch;
  if (t === 'movie') return caps.movieSearch;
  return undefined;
}

/** The search, or a description of the first incorrect parameter. */
function parseSearch(query: Record<string, string>, t: string, caps: FakeTorznabCaps): ParsedSearch | string {
  const integer = (name: string): number | undefined | 'invalid' => {
    const raw = query[name];
    if (raw === undefined || raw === '') return undefined;
    return /^\d{1,9}$/.test(raw) ? Number(raw) : 'invalid';
  };
  const parsed: ParsedSearch = { t, words: words(query['q'] ?? ''), limit: caps.limits.default, offset: 0 };

  for (const [name, key] of [['tmdbid', 'tmdbId'], ['tvdbid', 'tvdbId'], ['season', 'season'], ['ep', 'episode'], ['limit', 'limit'], ['offset', 'offset']] as const) {
    const value = integer(name);
    if (value === 'invalid') return `invalid ${name}`;
    if (value !== undefined) parsed[key] = value;
  }
  parsed.limit = Math.min(Math.max(parsed.limit, 1), caps.limits.max);

  const imdb = query['imdbid'];
  if (imdb) {
    const match = imdb.match(/^(?:tt)?(\d{1,8})$/i);
    if (!match?.[1] || Number(match[1]) === 0) return 'invalid imdbid format';
    parsed.imdbId = `tt${match[1].padStart(7, '0')}`;
  }
  const cat = query['cat'];
  if (cat) {
    const ids = cat.split(',').map((part) => part.trim());
    if (ids.some((id) => !/^\d+$/.test(id))) return 'invalid cat';
    parsed.categories = ids.map(Number);
  }
  if (t === 'search') {
    delete parsed.imdbId;
    delete parsed.tmdbId;
    delete parsed.tvdbId;
    delete parsed.season;
    delete parsed.episode;
  }
  return parsed;
}

function matches(release: FakeTorznabRelease, search: ParsedSearch): boolean {
  if (search.t === 'tvsearch' && !release.categories.some((id) => id >= 5000 && id < 6000)) return false;
  if (search.t === 'movie' && !release.categories.some((id) => id >= 2000 && id < 3000)) return false;
  if (search.categories && !release.categories.some((id) => search.categories?.some((wanted) => wanted === id || (wanted % 1000 === 0 && Math.floor(id / 1000) * 1000 === wanted)))) {
    return false;
  }
  if (search.imdbId !== undefined && release.imdbId !== search.imdbId) return false;
  if (search.tmdbId !== undefined && release.tmdbId !== search.tmdbId) return false;
  if (search.tvdbId !== undefined && release.tvdbId !== search.tvdbId) return false;
  if (search.season !== undefined && release.season !== search.season) return false;
  if (search.episode !== undefined && release.episode !== search.episode) return false;
  if (search.words.length > 0) {
    const titleWords = new Set(words(release.title));
    if (!search.words.every((word) => titleWords.has(word))) return false;
  }
  return true;
}

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// --- XML ------------------------------------------------------------------------------------

function escapeXml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] as string);
}

function errorXml(code: number, description: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<error code="${code}" description="${escapeXml(description)}" />`;
}

function capsXml(caps: FakeTorznabCaps, flavour: FakeTorznabFlavour): string {
  const mode = (tag: string, value: FakeTorznabSearchMode) =>
    `    <${tag} available="${value.available ? 'yes' : 'no'}" supportedParams="${escapeXml(value.supportedParams.join(','))}" />`;
  const server =
    flavour === 'prowlarr'
      ? `  <server version="1.0" title="${escapeXml(caps.serverTitle)}" strapline="Prowlarr" email="info@prowlarr.com" url="https://prowlarr.com/" image="https://prowlarr.com/logo.png" />`
      : `  <server title="${escapeXml(caps.serverTitle)}" />`;
  const categories = caps.categories
    .map((category) => {
      const subcats = (category.subcats ?? []).map((sub) => `      <subcat id="${sub.id}" name="${escapeXml(sub.name)}" />`);
      return subcats.length === 0
        ? `    <category id="${category.id}" name="${escapeXml(category.name)}" />`
        : [`    <category id="${category.id}" name="${escapeXml(category.name)}">`, ...subcats, '    </category>'].join('\n');
    })
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<caps>',
    server,
    `  <limits default="${caps.limits.default}" max="${caps.limits.max}" />`,
    '  <searching>',
    mode('search', caps.search),
    mode('tv-search', caps.tvSearch),
    mode('movie-search', caps.movieSearch),
    mode('music-search', { available: false, supportedParams: ['q'] }),
    mode('audio-search', { available: false, supportedParams: ['q'] }),
    mode('book-search', { available: false, supportedParams: ['q'] }),
    '  </searching>',
    '  <categories>',
    categories,
    '  </categories>',
    '</caps>',
  ].join('\n');
}

interface FeedContext {
  flavour: FakeTorznabFlavour;
  name: string;
  origin: string;
  apiKey: string;
  trackers: readonly string[];
}

function feedXml(releases: readonly FakeTorznabRelease[], context: FeedContext): string {
  const jackett = context.flavour === 'jackett';
  const head = jackett
    ? [
        `<rss version="2.0" xmlns:atom="${ATOM_NS}" xmlns:torznab="${TORZNAB_NS}">`,
        '  <channel>',
        `    <atom:link href="${escapeXml(context.origin)}/" rel="self" type="application/rss+xml" />`,
        `    <title>${escapeXml(context.name)}</title>`,
        `    <description>${escapeXml(context.name)} is a fake tracker for Sokoul's tests</description>`,
        `    <link>https://${escapeXml(context.name)}.tracker.example/</link>`,
        '    <language>en-US</language>',
        '    <category>search</category>',
      ]
    : [
        `<rss version="1.0" xmlns:atom="${ATOM_NS}" xmlns:torznab="${TORZNAB_NS}">`,
        '  <channel>',
        '    <atom:link rel="self" type="application/rss+xml" />',
        '    <title>Prowlarr</title>',
      ];
  const items = releases.map((release) => (jackett ? jackettItem(release, context) : prowlarrItem(release, context)));
  return ['<?xml version="1.0" encoding="UTF-8"?>', ...head, ...items, '  </channel>', '</rss>'].join('\n');
}

function attr(name: string, value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : `      <torznab:attr name="${name}" value="${escapeXml(value)}" />`;
}

function element(tag: string, value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : `      <${tag}>${escapeXml(value)}</${tag}>`;
}

function rfc822(iso: string): string {
  return new Date(iso).toUTCString().replace('GMT', '+0000');
}

function detailsUrl(release: FakeTorznabRelease, context: FeedContext): string {
  return `https://${context.name}.tracker.example/torrents/${parseInt(release.infoHash.slice(0, 7), 16)}`;
}

function downloadUrl(release: FakeTorznabRelease, context: FeedContext): string {
  const file = encodeURIComponent(release.title);
  return context.flavour === 'jackett'
    ? `${context.origin}/dl/${encodeURIComponent(context.name)}/${release.infoHash}?jackett_apikey=${context.apiKey}&file=${file}`
    : `${context.origin}/${encodeURIComponent(context.name)}/download/${release.infoHash}?apikey=${context.apiKey}&file=${file}`;
}

const TRACKERS = ['udp://tracker.opentrackr.org:1337/announce', 'udp://open.stealth.si:80/announce', 'udp://exodus.desync.com:6969/announce'];

function magnetFor(release: FakeTorznabRelease, title: string, trackers: readonly string[]): string {
  const btih = release.advertised?.base32 ? base32(Buffer.from(release.infoHash, 'hex')) : release.infoHash;
  return `magnet:?xt=urn:btih:${btih}&dn=${encodeURIComponent(title)}${trackers.map((tracker) => `&tr=${encodeURIComponent(tracker)}`).join('')}`;
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function imdbDigits(imdbId: string | undefined): string | undefined {
  return imdbId?.replace(/^tt/, '');
}

function jackettItem(release: FakeTorznabRelease, context: FeedContext): string {
  const magnet = magnetFor(release, release.title, context.trackers);
  const link = release.advertised?.magnetOnly ? magnet : downloadUrl(release, context);
  const details = detailsUrl(release, context);
  const lines = [
    '    <item>',
    element('title', release.title),
    element('guid', details),
    `      <jackettindexer id="${escapeXml(context.name)}">${escapeXml(context.name)}</jackettindexer>`,
    element('type', 'private'),
    element('comments', details),
    element('pubDate', rfc822(release.publishDate)),
    element('size', release.size),
    element('files', release.files),
    element('grabs', release.grabs),
    '      <description />',
    element('link', link),
    ...release.categories.map((id) => element('category', id)),
    `      <enclosure url="${escapeXml(link)}" length="${release.size}" type="application/x-bittorrent" />`,
    ...release.categories.map((id) => attr('category', id)),
    attr('tvdbid', release.tvdbId),
    attr('imdb', imdbDigits(release.imdbId)),
    attr('imdbid', release.imdbId),
    attr('tmdbid', release.tmdbId),
    attr('seeders', release.seeders),
    attr('peers', release.peers),
    release.advertised?.magnetOnly ? undefined : attr('infohash', release.infoHash),
    attr('magneturl', magnet),
    attr('minimumratio', release.minimumRatio),
    attr('minimumseedtime', release.minimumSeedTime),
    attr('downloadvolumefactor', release.downloadVolumeFactor ?? 1),
    attr('uploadvolumefactor', release.uploadVolumeFactor ?? 1),
    '    </item>',
  ];
  return lines.filter((line) => line !== undefined).join('\n');
}

function prowlarrItem(release: FakeTorznabRelease, context: FeedContext): string {
  const magnet = magnetFor(release, release.title, context.trackers);
  const link = release.advertised?.magnetOnly ? undefined : downloadUrl(release, context);
  const details = detailsUrl(release, context);
  const lines = [
    '    <item>',
    element('title', release.title),
    '      <description />',
    element('guid', details),
    `      <prowlarrindexer id="1" type="private">${escapeXml(context.name)}</prowlarrindexer>`,
    element('comments', details),
    element('pubDate', rfc822(release.publishDate)),
    element('size', release.size),
    element('link', link ?? ''),
    ...release.categories.map((id) => element('category', id)),
    `      <enclosure url="${escapeXml(link ?? magnet)}" length="${release.size}" type="application/x-bittorrent" />`,
    ...release.categories.map((id) => attr('category', id)),
    release.downloadVolumeFactor === 0 ? attr('tag', 'freeleech') : undefined,
    attr('tvdbid', release.tvdbId),
    attr('imdb', imdbDigits(release.imdbId)),
    attr('tmdbid', release.tmdbId),
    attr('seeders', release.seeders),
    attr('files', release.files),
    attr('grabs', release.grabs),
    attr('peers', release.peers),
    release.advertised?.magnetOnly ? undefined : attr('infohash', release.infoHash),
    attr('magneturl', magnet),
    attr('minimumratio', release.minimumRatio),
    attr('minimumseedtime', release.minimumSeedTime),
    attr('downloadvolumefactor', release.downloadVolumeFactor ?? 1),
    attr('uploadvolumefactor', release.uploadVolumeFactor ?? 1),
    '    </item>',
  ];
  return lines.filter((line) => line !== undefined).join('\n');
}
