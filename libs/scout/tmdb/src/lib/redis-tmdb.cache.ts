import type Redis from 'ioredis';
import { type TmdbCache, type TmdbCacheEntry, type TmdbLookup, tmdbCacheKey } from './tmdb.cache';

/** Seconds each kind of answer is kept. */
export interface TmdbCacheTtl {
  /** Search pages (hits and empty ones): new titles appear on TMDB every day. */
  readonly search: number;
  /** Movies, ended shows and their seasons, IMDb id look-ups: they rarely change. */
  readonly details: number;
  /** Shows still in production, and seasons with recent, upcoming or undated episodes. */
  readonly airing: number;
  /** "TMDB has nothing": the title may be added any minute. */
  readonly notFound: number;
}

export const DEFAULT_TMDB_CACHE_TTL: TmdbCacheTtl = {
  search: 6 * 3600,
  details: 24 * 3600,
  airing: 6 * 3600,
  notFound: 15 * 60,
};

/** How long `entry`, the answer to `lookup`, is kept. */
export function tmdbCacheTtlSeconds(lookup: TmdbLookup, entry: TmdbCacheEntry, ttl: TmdbCacheTtl = DEFAULT_TMDB_CACHE_TTL): number {
  if (!entry.found) return ttl.notFound;
  switch (lookup.kind) {
    case 'search-multi':
    case 'search-movie':
    case 'search-tv':
      return ttl.search;
    case 'tv':
    case 'season':
      return entry.airing ? ttl.airing : ttl.details;
    case 'movie':
    case 'find-imdb':
      return ttl.details;
  }
}

export interface RedisTmdbCacheOptions {
  /** Overrides of `DEFAULT_TMDB_CACHE_TTL`, in seconds. */
  ttl?: Partial<TmdbCacheTtl>;
  /** First segment of every key (after the client's own keyPrefix); default `tmdb`. */
  prefix?: string;
}

/**
 * TMDB answers in Redis as JSON strings with an expiry: `<prefix>:v1:<language>:<kind>:<parts>`
 * → `{"found":true,"value":…}` or `{"found":false}`. Errors are not caught here: the client
 * bounds and absorbs them, so lookups go straight to TMDB while Redis is down.
 */
export class RedisTmdbCache implements TmdbCache {
  private readonly ttl: TmdbCacheTtl;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisTmdbCacheOptions = {},
  ) {
    this.ttl = { ...DEFAULT_TMDB_CACHE_TTL, ...options.ttl };
    for (const [kind, seconds] of Object.entries(this.ttl)) {
      if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError(`TMDB cache TTL ${kind} must be a positive number of seconds, got ${seconds}`);
    }
    this.prefix = options.prefix ?? 'tmdb';
  }

  /** The Redis key of a lookup (before the client's keyPrefix). */
  keyOf(lookup: TmdbLookup, language: string): string {
    return `${this.prefix}:${tmdbCacheKey(lookup, language)}`;
  }

  async get(lookup: TmdbLookup, language: string): Promise<TmdbCacheEntry | undefined> {
    const stored = await this.redis.get(this.keyOf(lookup, language));
    return stored === null ? undefined : decode(stored);
  }

  async set(lookup: TmdbLookup, language: string, entry: TmdbCacheEntry): Promise<void> {
    const stored = entry.found ? { found: true, value: entry.value } : { found: false };
    await this.redis.set(this.keyOf(lookup, language), JSON.stringify(stored), 'EX', tmdbCacheTtlSeconds(lookup, entry, this.ttl));
  }
}

/** A stored entry, or undefined for anything unreadable (treated as a miss and overwritten). */
function decode(stored: string): TmdbCacheEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('found' in parsed)) return undefined;
  if (parsed.found === false) return { found: false };
  if (parsed.found === true && 'value' in parsed) return { found: true, value: parsed.value };
  return undefined;
}
