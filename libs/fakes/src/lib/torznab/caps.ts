/**
 * Capability sets for the fake Torznab indexer, modelled on what Jackett and Prowlarr answer
 * to `t=caps` for a well-indexed private tracker, a typical public one, and a site that only
 * knows free-text search.
 */

export interface FakeTorznabSearchMode {
  readonly available: boolean;
  /** Torznab parameter names (`q`, `imdbid`, `season` …), in the order the caps list them. */
  readonly supportedParams: readonly string[];
}

export interface FakeTorznabCategory {
  readonly id: number;
  readonly name: string;
  readonly subcats?: readonly { readonly id: number; readonly name: string }[];
}

export interface FakeTorznabCaps {
  readonly serverTitle: string;
  readonly limits: { readonly max: number; readonly default: number };
  readonly search: FakeTorznabSearchMode;
  readonly tvSearch: FakeTorznabSearchMode;
  readonly movieSearch: FakeTorznabSearchMode;
  readonly categories: readonly FakeTorznabCategory[];
}

/** The standard Newznab movie and TV categories, plus one tracker-specific id (≥ 100000). */
export const FAKE_TORZNAB_CATEGORIES: readonly FakeTorznabCategory[] = [
  {
    id: 2000,
    name: 'Movies',
    subcats: [
      { id: 2010, name: 'Movies/Foreign' },
      { id: 2020, name: 'Movies/Other' },
      { id: 2030, name: 'Movies/SD' },
      { id: 2040, name: 'Movies/HD' },
      { id: 2045, name: 'Movies/UHD' },
      { id: 2050, name: 'Movies/BluRay' },
      { id: 2060, name: 'Movies/3D' },
      { id: 2070, name: 'Movies/DVD' },
      { id: 2080, name: 'Movies/WEB-DL' },
    ],
  },
  {
    id: 5000,
    name: 'TV',
    subcats: [
      { id: 5010, name: 'TV/WEB-DL' },
      { id: 5020, name: 'TV/Foreign' },
      { id: 5030, name: 'TV/SD' },
      { id: 5040, name: 'TV/HD' },
      { id: 5045, name: 'TV/UHD' },
      { id: 5050, name: 'TV/Other' },
      { id: 5060, name: 'TV/Sport' },
      { id: 5070, name: 'TV/Anime' },
      { id: 5080, name: 'TV/Documentary' },
    ],
  },
  { id: 100001, name: 'Movies/Remux' },
];

/** A private tracker behind Jackett or Prowlarr: every id search the scout can use. */
export const FAKE_CAPS_FULL: FakeTorznabCaps = {
  serverTitle: 'Jackett',
  limits: { max: 100, default: 100 },
  search: { available: true, supportedParams: ['q'] },
  tvSearch: { available: true, supportedParams: ['q', 'season', 'ep', 'imdbid', 'tvdbid', 'tmdbid'] },
  movieSearch: { available: true, supportedParams: ['q', 'imdbid', 'tmdbid'] },
  categories: FAKE_TORZNAB_CATEGORIES,
};

/** A public site through a Cardigann definition: text, season and episode, no ids. */
export const FAKE_CAPS_BASIC: FakeTorznabCaps = {
  serverTitle: 'Jackett',
  limits: { max: 50, default: 50 },
  search: { available: true, supportedParams: ['q'] },
  tvSearch: { available: true, supportedParams: ['q', 'season', 'ep'] },
  movieSearch: { available: true, supportedParams: ['q'] },
  categories: FAKE_TORZNAB_CATEGORIES.filter((category) => category.id < 100000),
};

/** A site that only does free-text search. */
export const FAKE_CAPS_SEARCH_ONLY: FakeTorznabCaps = {
  serverTitle: 'Prowlarr',
  limits: { max: 100, default: 25 },
  search: { available: true, supportedParams: ['q'] },
  tvSearch: { available: false, supportedParams: ['q'] },
  movieSearch: { available: false, supportedParams: ['q'] },
  categories: FAKE_TORZNAB_CATEGORIES.filter((category) => category.id < 100000),
};
