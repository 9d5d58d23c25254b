import type { TorznabCapabilities, TorznabSearchCapability } from './capabilities';
import { TorznabUnsupportedSearchError } from './errors';
import { planSearch, torznabSearchParams } from './search-plan';

const mode = (...supportedParams: string[]): TorznabSearchCapability => ({ available: true, supportedParams });
const none: TorznabSearchCapability = { available: false, supportedParams: [] };

function caps(searching: Partial<TorznabCapabilities['searching']>, max = 100): TorznabCapabilities {
  return {
    server: {},
    limits: { max, default: max },
    searching: { search: mode('q'), tvSearch: none, movieSearch: none, musicSearch: none, bookSearch: none, ...searching },
    categories: [],
  };
}

const FULL = caps({ tvSearch: mode('q', 'season', 'ep', 'imdbid', 'tvdbid', 'tmdbid'), movieSearch: mode('q', 'imdbid', 'tmdbid') });
const BASIC = caps({ tvSearch: mode('q', 'season', 'ep'), movieSearch: mode('q') }, 50);
const SEARCH_ONLY = caps({});

describe('planSearch', () => {
  it('searches a film by the ids the indexer supports', () => {
    expect(planSearch({ text: 'Dune Part Two', imdbId: '15239678', tmdbId: 693134 }, FULL)).toEqual({ t: 'movie', imdbId: 'tt15239678', tmdbId: 693134 });
    expect(planSearch({ imdbId: 'tt15239678', tmdbId: 693134 }, caps({ movieSearch: mode('q', 'tmdbid') }))).toEqual({ t: 'movie', tmdbId: 693134 });
  });

  it('falls back to a text search when the movie search takes no id', () => {
    expect(planSearch({ text: 'Dune Part Two 2024', imdbId: 'tt15239678', categories: [2000] }, BASIC)).toEqual({ t: 'search', q: 'Dune Part Two 2024', categories: [2000] });
  });

  it('searches a series by tvdb id with season and episode as parameters', () => {
    expect(planSearch({ text: 'Breaking Bad', tvdbId: 81189, imdbId: 'tt0903747', season: 5, episode: 16 }, FULL)).toEqual({
      t: 'tvsearch',
      tvdbId: 81189,
      imdbId: 'tt0903747',
      season: 5,
      episode: 16,
    });
  });

  it('uses the text with season and episode parameters when the tv search takes no id', () => {
    expect(planSearch({ text: 'Breaking Bad', tvdbId: 81189, season: 1, episode: 3 }, BASIC)).toEqual({ t: 'tvsearch', q: 'Breaking Bad', season: 1, episode: 3 });
  });

  it('puts S01E03 into the text when season and episode cannot be sent as parameters', () => {
    expect(planSearch({ text: 'Breaking Bad', season: 1, episode: 3 }, caps({ tvSearch: mode('q') }))).toEqual({ t: 'tvsearch', q: 'Breaking Bad S01E03' });
    expect(planSearch({ text: 'Breaking Bad', season: 1, episode: 3 }, SEARCH_ONLY)).toEqual({ t: 'search', q: 'Breaking Bad S01E03' });
    expect(planSearch({ text: 'Shogun', kind: 'tv', season: 1 }, SEARCH_ONLY)).toEqual({ t: 'search', q: 'Shogun S01' });
  });

  it('treats an IMDb id as a series when told so', () => {
    expect(planSearch({ kind: 'tv', imdbId: 'tt2788316', season: 1 }, FULL)).toEqual({ t: 'tvsearch', imdbId: 'tt2788316', season: 1 });
  });

  it('sends a plain search (an RSS-style listing) for an empty request', () => {
    expect(planSearch({}, FULL)).toEqual({ t: 'search' });
  });

  it('clamps the limit to the caps maximum and keeps the offset', () => {
    expect(planSearch({ text: 'Oppenheimer', limit: 500, offset: 100 }, BASIC)).toEqual({ t: 'search', q: 'Oppenheimer', limit: 50, offset: 100 });
  });

  it('refuses an id-only request the indexer cannot express', () => {
    expect(() => planSearch({ imdbId: 'tt15398776' }, SEARCH_ONLY)).toThrow(TorznabUnsupportedSearchError);
  });

  it('refuses when the indexer has no usable search mode', () => {
    expect(() => planSearch({ text: 'Dune' }, caps({ search: none }))).toThrow(TorznabUnsupportedSearchError);
  });
});

describe('torznabSearchParams', () => {
  it('writes Torznab parameter names, extended=1 and comma-separated categories', () => {
    const params = torznabSearchParams({ t: 'tvsearch', q: 'Breaking Bad', tvdbId: 81189, imdbId: '0903747', season: 5, episode: 16, categories: [5000, 5040], limit: 100, offset: 0 });
    expect(Object.fromEntries(params)).toEqual({
      t: 'tvsearch',
      extended: '1',
      q: 'Breaking Bad',
      imdbid: 'tt0903747',
      tvdbid: '81189',
      season: '5',
      ep: '16',
      cat: '5000,5040',
      limit: '100',
      offset: '0',
    });
  });
});
