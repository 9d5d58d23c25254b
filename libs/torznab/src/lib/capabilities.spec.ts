import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCapabilities, supportsParam } from './capabilities';
import { TorznabAuthError, TorznabFeedError } from './errors';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

describe('parseCapabilities', () => {
  it('reads Jackett caps: limits, every search mode with its parameters, categories with subcats', () => {
    const caps = parseCapabilities(fixture('jackett-caps.xml'));

    expect(caps.server).toEqual({ title: 'Jackett' });
    expect(caps.limits).toEqual({ max: 100, default: 100 });
    expect(caps.searching.search).toEqual({ available: true, supportedParams: ['q'] });
    expect(caps.searching.tvSearch).toEqual({ available: true, supportedParams: ['q', 'season', 'ep', 'imdbid', 'tvdbid', 'tmdbid'] });
    expect(caps.searching.movieSearch).toEqual({ available: true, supportedParams: ['q', 'imdbid', 'tmdbid'] });
    expect(caps.searching.musicSearch.available).toBe(false);
    expect(caps.searching.bookSearch.available).toBe(false);
    expect(caps.categories.map((category) => category.id)).toEqual([2000, 5000, 100037, 100043]);
    expect(caps.categories[0]).toEqual({
      id: 2000,
      name: 'Movies',
      subcategories: [
        { id: 2030, name: 'Movies/SD', subcategories: [] },
        { id: 2040, name: 'Movies/HD', subcategories: [] },
        { id: 2045, name: 'Movies/UHD', subcategories: [] },
        { id: 2050, name: 'Movies/BluRay', subcategories: [] },
      ],
    });
    expect(caps.categories[1]?.subcategories.map((sub) => sub.id)).toEqual([5030, 5040, 5045, 5070]);
    expect(supportsParam(caps.searching.movieSearch, 'imdbid')).toBe(true);
    expect(supportsParam(caps.searching.search, 'imdbid')).toBe(false);
  });

  it('reads Prowlarr caps: server details, descriptions, and a text-only movie search', () => {
    const caps = parseCapabilities(fixture('prowlarr-caps.xml'));

    expect(caps.server).toEqual({
      version: '1.0',
      title: 'Prowlarr',
      strapline: 'Prowlarr indexer proxy',
      email: 'info@prowlarr.com',
      url: 'https://prowlarr.com/',
      image: 'https://prowlarr.com/Content/Images/logo.png',
    });
    expect(caps.searching.movieSearch).toEqual({ available: true, supportedParams: ['q'] });
    expect(supportsParam(caps.searching.movieSearch, 'imdbid')).toBe(false);
    expect(caps.categories[0]).toMatchObject({ id: 2000, description: 'All movies', subcategories: [{ id: 2040, description: 'High definition' }] });
  });

  it('treats a mode declared available without supportedParams as text-only, and a mode set to "no" as unavailable', () => {
    const caps = parseCapabilities(`<caps><searching>
      <search available="yes"/>
      <tv-search available="no" supportedParams="q,season,ep"/>
      <movie-search available="YES" supportedParams=" q , IMDBID ,,"/>
    </searching></caps>`);

    expect(caps.searching.search).toEqual({ available: true, supportedParams: ['q'] });
    expect(caps.searching.tvSearch).toEqual({ available: false, supportedParams: [] });
    expect(caps.searching.movieSearch).toEqual({ available: true, supportedParams: ['q', 'imdbid'] });
    expect(supportsParam(caps.searching.tvSearch, 'season')).toBe(false);
  });

  it('assumes free-text search only when the caps have no <searching> at all', () => {
    const caps = parseCapabilities('<caps><server title="Tiny"/><limits max="oops"/></caps>');

    expect(caps.limits).toEqual({});
    expect(caps.searching.search).toEqual({ available: true, supportedParams: ['q'] });
    expect(caps.searching.movieSearch.available).toBe(false);
    expect(caps.categories).toEqual([]);
  });

  it('takes audio-search when an indexer writes it instead of music-search', () => {
    const caps = parseCapabilities('<caps><searching><audio-search available="yes" supportedParams="q,artist,album"/></searching></caps>');
    expect(caps.searching.musicSearch).toEqual({ available: true, supportedParams: ['q', 'artist', 'album'] });
  });

  it('skips categories whose id is not a number', () => {
    const caps = parseCapabilities('<caps><categories><category id="x" name="Bad"/><category id="8000" name="Other"><subcat id="" name="Empty"/><subcat id="8010" name="Misc"/></category></categories></caps>');
    expect(caps.categories).toEqual([{ id: 8000, name: 'Other', subcategories: [{ id: 8010, name: 'Misc', subcategories: [] }] }]);
  });

  it('throws the typed error of a Torznab <error> answer', () => {
    expect(() => parseCapabilities('<error code="101" description="Account suspended"/>')).toThrow(TorznabAuthError);
  });

  it('throws TorznabFeedError for an RSS feed or broken XML', () => {
    expect(() => parseCapabilities('<rss><channel/></rss>')).toThrow(TorznabFeedError);
    expect(() => parseCapabilities('<caps><searching>')).toThrow(TorznabFeedError);
  });
});
