import { compact } from './object';
import { supportsParam, type TorznabCapabilities } from './capabilities';
import { TorznabUnsupportedSearchError } from './errors';
import { normalizeImdbId } from './identifiers';

/** The Torznab search functions the client speaks (`t=`). */
export type TorznabFunction = 'search' | 'tvsearch' | 'movie';

/** One Torznab search request, exactly as it will be sent. */
export interface TorznabQuery {
  readonly t: TorznabFunction;
  readonly q?: string;
  readonly imdbId?: string;
  readonly tmdbId?: number;
  readonly tvdbId?: number;
  readonly season?: number;
  readonly episode?: number;
  readonly categories?: readonly number[];
  readonly limit?: number;
  readonly offset?: number;
}

/** What the scout wants found; `planSearch` turns it into the best query an indexer supports. */
export interface TorznabSearchRequest {
  /** Free text, e.g. `Dune Part Two 2024` or `Breaking Bad`. */
  readonly text?: string;
  /** Disambiguates when the ids alone do not say (an IMDb id exists for films and series). */
  readonly kind?: 'movie' | 'tv';
  readonly imdbId?: string;
  readonly tmdbId?: number;
  readonly tvdbId?: number;
  readonly season?: number;
  readonly episode?: number;
  readonly categories?: readonly number[];
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * Picks the richest query the caps allow: `t=movie` with the ids the indexer supports, else
 * `t=tvsearch` with ids (or text) and season/episode, else `t=search` with the text (plus
 * `S01E03` when season/episode could not be sent as parameters). Like Prowlarr, a movie or TV
 * search that can use no id or text falls back to `t=search`, since several indexers answer
 * an id-less `t=movie` with everything they have.
 */
export function planSearch(request: TorznabSearchRequest, caps: TorznabCapabilities): TorznabQuery {
  const text = request.text?.trim() || undefined;
  const imdbId = normalizeImdbId(request.imdbId);
  const paging = pagingOf(request, caps);
  const tv = request.kind === 'tv' || (request.kind === undefined && (request.tvdbId !== undefined || request.season !== undefined || request.episode !== undefined));
  const movie = !tv && (request.kind === 'movie' || imdbId !== undefined || request.tmdbId !== undefined);
  const { search, movieSearch, tvSearch } = caps.searching;

  if (movie && movieSearch.available) {
    const ids = compact({
      imdbId: supportsParam(movieSearch, 'imdbid') ? imdbId : undefined,
      tmdbId: supportsParam(movieSearch, 'tmdbid') ? request.tmdbId : undefined,
    });
    if (Object.keys(ids).length > 0) return { t: 'movie', ...ids, ...paging };
  }

  if (tv && tvSearch.available) {
    const ids = compact({
      tvdbId: supportsParam(tvSearch, 'tvdbid') ? request.tvdbId : undefined,
      imdbId: supportsParam(tvSearch, 'imdbid') ? imdbId : undefined,
      tmdbId: supportsParam(tvSearch, 'tmdbid') ? request.tmdbId : undefined,
    });
    const byId = Object.keys(ids).length > 0;
    const seasonSent = request.season === undefined || supportsParam(tvSearch, 'season');
    const episodeSent = request.episode === undefined || supportsParam(tvSearch, 'ep');
    if (byId) {
      return compact({
        t: 'tvsearch' as const,
        ...ids,
        season: seasonSent ? request.season : undefined,
        episode: seasonSent && episodeSent ? request.episode : undefined,
        ...paging,
      });
    }
    if (text && supportsParam(tvSearch, 'q')) {
      const asParams = seasonSent && episodeSent;
      return compact({
        t: 'tvsearch' as const,
        q: asParams ? text : withEpisodeToken(text, request),
        season: asParams ? request.season : undefined,
        episode: asParams ? request.episode : undefined,
        ...paging,
      });
    }
  }

  if (!search.available) {
    throw new TorznabUnsupportedSearchError('Torznab indexer offers no search mode that can express this request');
  }
  const wantedSomething = text !== undefined || imdbId !== undefined || request.tmdbId !== undefined || request.tvdbId !== undefined;
  if (wantedSomething && text === undefined) {
    throw new TorznabUnsupportedSearchError('Torznab indexer cannot search by these ids and the request has no text to fall back to');
  }
  return compact({ t: 'search' as const, q: text && tv ? withEpisodeToken(text, request) : text, ...paging });
}

/** The query string of a Torznab request, without the API key (the client adds it last). */
export function torznabSearchParams(query: TorznabQuery): URLSearchParams {
  const params = new URLSearchParams({ t: query.t, extended: '1' });
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') params.set(name, String(value));
  };
  set('q', query.q);
  set('imdbid', normalizeImdbId(query.imdbId));
  set('tmdbid', query.tmdbId);
  set('tvdbid', query.tvdbId);
  set('season', query.season);
  set('ep', query.episode);
  if (query.categories && query.categories.length > 0) set('cat', query.categories.join(','));
  set('limit', query.limit);
  set('offset', query.offset);
  return params;
}

function pagingOf(request: TorznabSearchRequest, caps: TorznabCapabilities): Pick<TorznabQuery, 'categories' | 'limit' | 'offset'> {
  const max = caps.limits.max;
  const limit = request.limit !== undefined && max !== undefined ? Math.min(request.limit, max) : request.limit;
  return compact({
    categories: request.categories && request.categories.length > 0 ? request.categories : undefined,
    limit,
    offset: request.offset,
  });
}

function withEpisodeToken(text: string, request: TorznabSearchRequest): string {
  if (request.season === undefined) return text;
  const season = `S${String(request.season).padStart(2, '0')}`;
  const token = request.episode === undefined ? season : `${season}E${String(request.episode).padStart(2, '0')}`;
  return `${text} ${token}`;
}
