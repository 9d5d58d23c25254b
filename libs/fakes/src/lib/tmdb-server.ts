import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type FakeTmdbReply,
  findByExternalId,
  internalError,
  invalidApiKey,
  movieDetails,
  movieExternalIdsReply,
  notFound,
  rateLimited,
  searchMovies,
  searchMulti,
  searchShows,
  seasonDetails,
  showDetails,
  showExternalIdsReply,
} from './tmdb/wire';
import { listenOnLoopback } from './listen-on-loopback';

export { FAKE_TMDB_MOVIES, FAKE_TMDB_PEOPLE, FAKE_TMDB_SHOWS } from './tmdb/catalogue';
export type { FakeTmdbMovie, FakeTmdbPerson, FakeTmdbSeason, FakeTmdbShow, FakeTmdbEpisode } from './tmdb/catalogue';

/** What can go wrong, as seen from a client. Replaced as a whole by `setFaults`. */
export interface FakeTmdbFaults {
  /** Every answer is held back this long (a slow TMDB, or one slower than the client's timeout). */
  delayMs?: number;
  /** `http500`: TMDB's 500 body; `reset`: the connection is reset before any answer. */
  fail?: 'http500' | 'reset';
  /**
   * After `afterRequests` requests, answers 429 with `Retry-After: retryAfterSeconds` until
   * that time has passed; then `afterRequests` more are allowed, and so on.
   */
  rateLimit?: { afterRequests: number; retryAfterSeconds: number };
}

export interface FakeTmdbOptions extends FakeTmdbFaults {
  /** The v3 key it accepts as `?api_key=`; random by default. */
  apiKey?: string;
  /** The v4 read access token it accepts as `Authorization: Bearer`; random by default. */
  bearerToken?: string;
}

export interface FakeTmdbRequest {
  readonly method: string;
  /** Path without the query, e.g. `/3/movie/603`. */
  readonly path: string;
  /** Query parameters; `api_key` is recorded as `[redacted]`. */
  readonly query: Readonly<Record<string, string>>;
  /** How the request tried to authenticate (the credential itself is never recorded). */
  readonly credential: 'api_key' | 'bearer' | 'none';
  /** The status answered; absent while the answer is pending, or when the connection was reset. */
  readonly status?: number;
}

export interface FakeTmdb {
  /** Base URL (no `/3`), e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly apiKey: string;
  readonly bearerToken: string;
  /** Every request received, in order. */
  readonly requests: readonly FakeTmdbRequest[];
  /** Replaces the faults (and restarts the rate-limit window). */
  setFaults(faults: FakeTmdbFaults): void;
  close(): Promise<void>;
}

const REDACTED = '[redacted]';

interface MutableRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  credential: FakeTmdbRequest['credential'];
  status?: number;
}

/** Routes a GET under `/3` to its answer. */
function route(path: string, query: Readonly<Record<string, string>>): FakeTmdbReply {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== '3') return notFound();
  const [, resource, id, sub, subId, ...rest] = segments;
  if (rest.length > 0) return notFound();
  if (resource === 'search' && sub === undefined) {
    if (id === 'multi') return searchMulti(query);
    if (id === 'movie') return searchMovies(query);
    if (id === 'tv') return searchShows(query);
  }
  if (resource === 'movie' && id !== undefined) {
    if (sub === undefined) return movieDetails(id, query);
    if (sub === 'external_ids' && subId === undefined) return movieExternalIdsReply(id);
  }
  if (resource === 'tv' && id !== undefined) {
    if (sub === undefined) return showDetails(id, query);
    if (sub === 'external_ids' && subId === undefined) return showExternalIdsReply(id);
    if (sub === 'season' && subId !== undefined) return seasonDetails(id, subId);
  }
  if (resource === 'find' && id !== undefined && sub === undefined) return findByExternalId(decodeURIComponent(id), query);
  return notFound();
}

/**
 * A local TMDB v3 on 127.0.0.1 for tests: real paths, real JSON field names, a small real
 * catalogue (see `tmdb/catalogue.ts`), TMDB's auth (api_key or Bearer) and error bodies,
 * and injectable faults: delays, 500s, connection resets, 429 with Retry-After.
 */
export async function startFakeTmdb(options: FakeTmdbOptions = {}): Promise<FakeTmdb> {
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');
  const bearerToken = options.bearerToken ?? `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
  let faults: FakeTmdbFaults = { delayMs: options.delayMs, fail: options.fail, rateLimit: options.rateLimit };
  let windowCount = 0;
  let blockedUntil: number | undefined;
  const requests: MutableRequest[] = [];
  const pending = new Set<NodeJS.Timeout>();

  function rateLimitReply(): FakeTmdbReply | undefined {
    const limit = faults.rateLimit;
    if (!limit) return undefined;
    const now = Date.now();
    if (blockedUntil !== undefined && now >= blockedUntil) {
      blockedUntil = undefined;
      windowCount = 0;
    }
    if (blockedUntil !== undefined) return rateLimited(Math.ceil((blockedUntil - now) / 1000));
    windowCount += 1;
    if (windowCount <= limit.afterRequests) return undefined;
    blockedUntil = now + limit.retryAfterSeconds * 1000;
    return rateLimited(limit.retryAfterSeconds);
  }

  function answer(req: IncomingMessage, res: ServerResponse, recorded: MutableRequest, query: Record<string, string>): void {
    if (faults.fail === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    const reply = faults.fail === 'http500' ? internalError() : (rateLimitReply() ?? authorizedRoute(req, recorded, query));
    recorded.status = reply.status;
    res.writeHead(reply.status, { 'Content-Type': 'application/json;charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  function authorizedRoute(req: IncomingMessage, recorded: MutableRequest, query: Record<string, string>): FakeTmdbReply {
    const authorization = req.headers.authorization;
    const authorized =
      recorded.credential === 'bearer' ? authorization === `Bearer ${bearerToken}` : recorded.credential === 'api_key' && query['api_key'] === apiKey;
    if (!authorized) return invalidApiKey();
    if (req.method !== 'GET') return notFound();
    return route(recorded.path, query);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const recorded: MutableRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: 'api_key' in query ? { ...query, api_key: REDACTED } : { ...query },
      credential: req.headers.authorization !== undefined ? 'bearer' : 'api_key' in query ? 'api_key' : 'none',
    };
    requests.push(recorded);
    const delayMs = faults.delayMs ?? 0;
    if (delayMs <= 0) return answer(req, res, recorded, query);
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer(req, res, recorded, query);
    }, delayMs);
    pending.add(timer);
  });

  const url = await listenOnLoopback(server);

  return {
    url,
    apiKey,
    bearerToken,
    requests,
    setFaults(next: FakeTmdbFaults): void {
      faults = { ...next };
      windowCount = 0;
      blockedUntil = undefined;
    },
    async close(): Promise<void> {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
