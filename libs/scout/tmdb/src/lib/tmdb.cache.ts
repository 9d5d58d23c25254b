import { createHash } from 'node:crypto';
import type { TmdbSeason, TmdbTv } from './tmdb.models';

/** One cacheable question to TMDB. Queries are normalized (see `normalizeQuery`). */
export type TmdbLookup =
  /** Unfiltered: the multi search's year filter is applied after the cache. */
  | { readonly kind: 'search-multi'; readonly query: string; readonly page: number }
  | { readonly kind: 'search-movie'; readonly query: string; readonly year?: number; readonly page: number }
  | { readonly kind: 'search-tv'; readonly query: string; readonly firstAirDateYear?: number; readonly page: number }
  | { readonly kind: 'movie'; readonly id: number }
  | { readonly kind: 'tv'; readonly id: number }
  | { readonly kind: 'season'; readonly tvId: number; readonly seasonNumber: number }
  | { readonly kind: 'find-imdb'; readonly imdbId: string };

export type TmdbLookupKind = TmdbLookup['kind'];

/**
 * What is cached for a lookup: the normalized answer, or the fact that TMDB has nothing.
 * `airing` marks a show or season still changing (new episodes, dates), kept for less time.
 * The client validates `value` when it reads it back; a cache need not understand it.
 */
export type TmdbCacheEntry = { readonly found: true; readonly value: unknown; readonly airing?: boolean } | { readonly found: false };

/**
 * Where TMDB answers are kept between lookups. Implementations may throw or hang: the client
 * bounds every call and treats a failure as a miss, so a cache outage only costs latency.
 */
export interface TmdbCache {
  get(lookup: TmdbLookup, language: string): Promise<TmdbCacheEntry | undefined>;
  set(lookup: TmdbLookup, language: string, entry: TmdbCacheEntry): Promise<void>;
}

/**
 * One `hit` or `miss` per lookup that consults the cache, plus one `error` per cache call
 * that failed or timed out (a lookup during a Redis outage reports error, miss, error).
 */
export interface TmdbCacheEvent {
  readonly kind: TmdbLookupKind;
  readonly outcome: 'hit' | 'miss' | 'error';
}

/** Bumped whenever the cached value shapes change incompatibly, so old entries are simply not found. */
export const TMDB_CACHE_KEY_VERSION = 'v1';
const MAX_QUERY_IN_KEY = 120;

/** The query as TMDB treats it: trimmed, single-spaced; in keys also lowercased (TMDB search ignores case). */
export function normalizeQuery(query: string): string {
  return query.normalize('NFC').trim().replace(/\s+/g, ' ');
}

function queryPart(query: string): string {
  const encoded = encodeURIComponent(normalizeQuery(query).toLowerCase());
  return encoded.length <= MAX_QUERY_IN_KEY ? encoded : `sha256-${createHash('sha256').update(encoded).digest('hex')}`;
}

/**
 * The key of a lookup, without any prefix: `v1:<language>:<kind>:<parts>`, e.g.
 * `v1:en-US:movie:438631`, `v1:en-US:season:1396:5`, `v1:fr-FR:search-movie:y2021:p1:dune`.
 * Search keys end with the URI-encoded lowercased query (hashed when very long).
 */
export function tmdbCacheKey(lookup: TmdbLookup, language: string): string {
  const head = `${TMDB_CACHE_KEY_VERSION}:${encodeURIComponent(language)}:${lookup.kind}`;
  switch (lookup.kind) {
    case 'search-multi':
      return `${head}:p${lookup.page}:${queryPart(lookup.query)}`;
    case 'search-movie':
      return `${head}:y${lookup.year ?? '-'}:p${lookup.page}:${queryPart(lookup.query)}`;
    case 'search-tv':
      return `${head}:y${lookup.firstAirDateYear ?? '-'}:p${lookup.page}:${queryPart(lookup.query)}`;
    case 'movie':
    case 'tv':
      return `${head}:${lookup.id}`;
    case 'season':
      return `${head}:${lookup.tvId}:${lookup.seasonNumber}`;
    case 'find-imdb':
      return `${head}:${lookup.imdbId}`;
  }
}

const AIRING_STATUSES = new Set(['Returning Series', 'In Production', 'Planned', 'Pilot']);
/** A season whose last episode aired within this many days may still change (titles, runtimes). */
const RECENT_DAYS = 30;

/** A show that may still get seasons and episodes. */
export function isTvAiring(tv: TmdbTv): boolean {
  return tv.inProduction || (tv.status !== null && AIRING_STATUSES.has(tv.status));
}

/**
 * A season that may still change: no episodes yet, an episode without a date, or an episode
 * that aired within the last 30 days or airs later.
 */
export function isSeasonAiring(season: TmdbSeason, now: Date = new Date()): boolean {
  if (season.episodes.length === 0) return true;
  const cutoff = new Date(now.getTime() - RECENT_DAYS * 86_400_000).toISOString().slice(0, 10);
  return season.episodes.some((episode) => episode.airDate === null || episode.airDate >= cutoff);
}
