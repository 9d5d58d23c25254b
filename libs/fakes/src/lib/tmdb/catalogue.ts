/**
 * What the fake TMDB knows: real titles with their real TMDB, IMDb and TVDB ids, titles,
 * dates, runtimes and episode names. Popularity only orders search results (TMDB's changes
 * daily). Season and episode ids are synthetic (`tvId * 100 + season`,
 * `tvId * 10_000 + season * 100 + episode`); nothing in Sokoul relies on them. Only the
 * seasons listed in `episodes` can be fetched from `/3/tv/{id}/season/{n}`.
 */

export interface FakeTmdbGenre {
  readonly id: number;
  readonly name: string;
}

export interface FakeTmdbAlternativeTitle {
  readonly iso_3166_1: string;
  readonly title: string;
  readonly type: string;
}

export interface FakeTmdbMovie {
  readonly id: number;
  readonly imdb_id: string;
  readonly title: string;
  readonly original_title: string;
  readonly original_language: string;
  readonly release_date: string;
  readonly runtime: number;
  readonly status: 'Released' | 'Post Production' | 'In Production' | 'Planned';
  readonly overview: string;
  readonly popularity: number;
  readonly poster_path: string | null;
  readonly genres: readonly FakeTmdbGenre[];
  readonly alternative_titles: readonly FakeTmdbAlternativeTitle[];
}

/** `[name, air date]`, numbered from 1 in order. */
export type FakeTmdbEpisode = readonly [name: string, airDate: string];

export interface FakeTmdbSeason {
  readonly season_number: number;
  readonly name: string;
  readonly air_date: string;
  readonly episode_count: number;
  /** Present when the fake serves this season's episodes. */
  readonly episodes?: readonly FakeTmdbEpisode[];
}

export interface FakeTmdbShow {
  readonly id: number;
  readonly imdb_id: string;
  readonly tvdb_id: number | null;
  readonly name: string;
  readonly original_name: string;
  readonly original_language: string;
  readonly origin_country: readonly string[];
  readonly first_air_date: string;
  readonly last_air_date: string;
  readonly status: 'Returning Series' | 'Ended' | 'Canceled' | 'In Production' | 'Planned';
  readonly in_production: boolean;
  readonly overview: string;
  readonly popularity: number;
  readonly poster_path: string | null;
  readonly genres: readonly FakeTmdbGenre[];
  readonly alternative_titles: readonly FakeTmdbAlternativeTitle[];
  readonly seasons: readonly FakeTmdbSeason[];
}

export interface FakeTmdbPerson {
  readonly id: number;
  readonly name: string;
  readonly original_name: string;
  readonly known_for_department: string;
  readonly popularity: number;
}

const Action = { id: 28, name: 'Action' };
const Adventure = { id: 12, name: 'Adventure' };
const Animation = { id: 16, name: 'Animation' };
const Comedy = { id: 35, name: 'Comedy' };
const Crime = { id: 80, name: 'Crime' };
const Drama = { id: 18, name: 'Drama' };
const Family = { id: 10751, name: 'Family' };
const Fantasy = { id: 14, name: 'Fantasy' };
const History = { id: 36, name: 'History' };
const Romance = { id: 10749, name: 'Romance' };
const ScienceFiction = { id: 878, name: 'Science Fiction' };
const WarAndPolitics = { id: 10768, name: 'War & Politics' };

export const FAKE_TMDB_MOVIES: readonly FakeTmdbMovie[] = [
  {
    id: 438631,
    imdb_id: 'tt1160419',
    title: 'Dune',
    original_title: 'Dune',
    original_language: 'en',
    release_date: '2021-09-15',
    runtime: 155,
    status: 'Released',
    overview: 'Paul Atreides travels to the most dangerous planet in the universe to secure the future of his family and his people.',
    popularity: 180.4,
    poster_path: '/d5NXSklXo0qyIYkgV94XAgMIckC.jpg',
    genres: [ScienceFiction, Adventure],
    alternative_titles: [{ iso_3166_1: 'US', title: 'Dune: Part One', type: '' }],
  },
  {
    id: 841,
    imdb_id: 'tt0087182',
    title: 'Dune',
    original_title: 'Dune',
    original_language: 'en',
    release_date: '1984-12-14',
    runtime: 137,
    status: 'Released',
    overview: 'In the year 10,191 the desert planet Arrakis is the only source of the spice, and Paul Atreides is sent there with his family.',
    popularity: 41.2,
    poster_path: null,
    genres: [Action, ScienceFiction, Adventure],
    alternative_titles: [],
  },
  {
    id: 693134,
    imdb_id: 'tt15239678',
    title: 'Dune: Part Two',
    original_title: 'Dune: Part Two',
    original_language: 'en',
    release_date: '2024-02-27',
    runtime: 167,
    status: 'Released',
    overview: 'Paul Atreides unites with Chani and the Fremen while seeking revenge against the conspirators who destroyed his family.',
    popularity: 210.9,
    poster_path: null,
    genres: [ScienceFiction, Adventure],
    alternative_titles: [],
  },
  {
    id: 872585,
    imdb_id: 'tt15398776',
    title: 'Oppenheimer',
    original_title: 'Oppenheimer',
    original_language: 'en',
    release_date: '2023-07-19',
    runtime: 181,
    status: 'Released',
    overview: "The story of J. Robert Oppenheimer's role in the development of the atomic bomb during World War II.",
    popularity: 95.7,
    poster_path: '/8Gxv8gSFCU0XGDykEGv7zR1n2ua.jpg',
    genres: [Drama, History],
    alternative_titles: [],
  },
  {
    id: 603,
    imdb_id: 'tt0133093',
    title: 'The Matrix',
    original_title: 'The Matrix',
    original_language: 'en',
    release_date: '1999-03-30',
    runtime: 136,
    status: 'Released',
    overview: 'A computer hacker learns about the true nature of his reality and his role in the war against its controllers.',
    popularity: 88.1,
    poster_path: null,
    genres: [Action, ScienceFiction],
    alternative_titles: [],
  },
  {
    id: 604,
    imdb_id: 'tt0234215',
    title: 'The Matrix Reloaded',
    original_title: 'The Matrix Reloaded',
    original_language: 'en',
    release_date: '2003-05-15',
    runtime: 138,
    status: 'Released',
    overview: 'Neo, Morpheus and Trinity race to defend Zion against the machines.',
    popularity: 44.6,
    poster_path: null,
    genres: [Adventure, Action, ScienceFiction],
    alternative_titles: [],
  },
  {
    id: 129,
    imdb_id: 'tt0245429',
    title: 'Spirited Away',
    original_title: '千と千尋の神隠し',
    original_language: 'ja',
    release_date: '2001-07-20',
    runtime: 125,
    status: 'Released',
    overview: 'A young girl wanders into a world ruled by gods, witches and spirits, where humans are changed into beasts.',
    popularity: 70.3,
    poster_path: null,
    genres: [Animation, Family, Fantasy],
    alternative_titles: [{ iso_3166_1: 'JP', title: 'Sen to Chihiro no Kamikakushi', type: 'romaji' }],
  },
  {
    id: 194,
    imdb_id: 'tt0211915',
    title: 'Amélie',
    original_title: "Le Fabuleux Destin d'Amélie Poulain",
    original_language: 'fr',
    release_date: '2001-04-25',
    runtime: 122,
    status: 'Released',
    overview: 'A shy waitress in Montmartre decides to change the lives of the people around her for the better.',
    popularity: 30.8,
    poster_path: null,
    genres: [Comedy, Romance],
    alternative_titles: [{ iso_3166_1: 'US', title: 'Amelie', type: '' }],
  },
];

const breakingBadS1: readonly FakeTmdbEpisode[] = [
  ['Pilot', '2008-01-20'],
  ["Cat's in the Bag...", '2008-01-27'],
  ["...And the Bag's in the River", '2008-02-10'],
  ['Cancer Man', '2008-02-17'],
  ['Gray Matter', '2008-02-24'],
  ["Crazy Handful of Nothin'", '2008-03-02'],
  ['A No-Rough-Stuff-Type Deal', '2008-03-09'],
];

const breakingBadS2: readonly FakeTmdbEpisode[] = [
  ['Seven Thirty-Seven', '2009-03-08'],
  ['Grilled', '2009-03-15'],
  ['Bit by a Dead Bee', '2009-03-22'],
  ['Down', '2009-03-29'],
  ['Breakage', '2009-04-05'],
  ['Peekaboo', '2009-04-12'],
  ['Negro y Azul', '2009-04-19'],
  ['Better Call Saul', '2009-04-26'],
  ['4 Days Out', '2009-05-03'],
  ['Over', '2009-05-10'],
  ['Mandala', '2009-05-17'],
  ['Phoenix', '2009-05-24'],
  ['ABQ', '2009-05-31'],
];

const breakingBadS3: readonly FakeTmdbEpisode[] = [
  ['No Más', '2010-03-21'],
  ['Caballo sin Nombre', '2010-03-28'],
  ['I.F.T.', '2010-04-04'],
  ['Green Light', '2010-04-11'],
  ['Más', '2010-04-18'],
  ['Sunset', '2010-04-25'],
  ['One Minute', '2010-05-02'],
  ['I See You', '2010-05-09'],
  ['Kafkaesque', '2010-05-16'],
  ['Fly', '2010-05-23'],
  ['Abiquiu', '2010-05-30'],
  ['Half Measures', '2010-06-06'],
  ['Full Measure', '2010-06-13'],
];

const breakingBadS4: readonly FakeTmdbEpisode[] = [
  ['Box Cutter', '2011-07-17'],
  ['Thirty-Eight Snub', '2011-07-24'],
  ['Open House', '2011-07-31'],
  ['Bullet Points', '2011-08-07'],
  ['Shotgun', '2011-08-14'],
  ['Cornered', '2011-08-21'],
  ['Problem Dog', '2011-08-28'],
  ['Hermanos', '2011-09-04'],
  ['Bug', '2011-09-11'],
  ['Salud', '2011-09-18'],
  ['Crawl Space', '2011-09-25'],
  ['End Times', '2011-10-02'],
  ['Face Off', '2011-10-09'],
];

const breakingBadS5: readonly FakeTmdbEpisode[] = [
  ['Live Free or Die', '2012-07-15'],
  ['Madrigal', '2012-07-22'],
  ['Hazard Pay', '2012-07-29'],
  ['Fifty-One', '2012-08-05'],
  ['Dead Freight', '2012-08-12'],
  ['Buyout', '2012-08-19'],
  ['Say My Name', '2012-08-26'],
  ['Gliding Over All', '2012-09-02'],
  ['Blood Money', '2013-08-11'],
  ['Buried', '2013-08-18'],
  ['Confessions', '2013-08-25'],
  ['Rabid Dog', '2013-09-01'],
  ["To'hajiilee", '2013-09-08'],
  ['Ozymandias', '2013-09-15'],
  ['Granite State', '2013-09-22'],
  ['Felina', '2013-09-29'],
];

const theOfficeS1: readonly FakeTmdbEpisode[] = [
  ['Pilot', '2005-03-24'],
  ['Diversity Day', '2005-03-29'],
  ['Health Care', '2005-04-05'],
  ['The Alliance', '2005-04-12'],
  ['Basketball', '2005-04-19'],
  ['Hot Girl', '2005-04-26'],
];

const shogunS1: readonly FakeTmdbEpisode[] = [
  ['Anjin', '2024-02-27'],
  ['Servants of Two Masters', '2024-02-27'],
  ['Tomorrow Is Tomorrow', '2024-03-05'],
  ['The Eightfold Fence', '2024-03-12'],
  ['Broken to the Fist', '2024-03-19'],
  ['Ladies of the Willow World', '2024-03-26'],
  ['A Stick of Time', '2024-04-02'],
  ['The Abyss of Life', '2024-04-09'],
  ['Crimson Sky', '2024-04-16'],
  ['A Dream of a Dream', '2024-04-23'],
];

function season(season_number: number, air_date: string, episodes: readonly FakeTmdbEpisode[]): FakeTmdbSeason {
  return { season_number, name: `Season ${season_number}`, air_date, episode_count: episodes.length, episodes };
}

function seasonWithoutEpisodes(season_number: number, air_date: string, episode_count: number): FakeTmdbSeason {
  return { season_number, name: `Season ${season_number}`, air_date, episode_count };
}

export const FAKE_TMDB_SHOWS: readonly FakeTmdbShow[] = [
  {
    id: 1396,
    imdb_id: 'tt0903747',
    tvdb_id: 81189,
    name: 'Breaking Bad',
    original_name: 'Breaking Bad',
    original_language: 'en',
    origin_country: ['US'],
    first_air_date: '2008-01-20',
    last_air_date: '2013-09-29',
    status: 'Ended',
    in_production: false,
    overview: "A high school chemistry teacher diagnosed with cancer turns to making and selling methamphetamine to secure his family's future.",
    popularity: 120.5,
    poster_path: null,
    genres: [Drama, Crime],
    alternative_titles: [],
    seasons: [
      season(1, '2008-01-20', breakingBadS1),
      season(2, '2009-03-08', breakingBadS2),
      season(3, '2010-03-21', breakingBadS3),
      season(4, '2011-07-17', breakingBadS4),
      season(5, '2012-07-15', breakingBadS5),
    ],
  },
  {
    id: 2316,
    imdb_id: 'tt0386676',
    tvdb_id: 73244,
    name: 'The Office',
    original_name: 'The Office',
    original_language: 'en',
    origin_country: ['US'],
    first_air_date: '2005-03-24',
    last_air_date: '2013-05-16',
    status: 'Ended',
    in_production: false,
    overview: 'The everyday lives of office employees at the Scranton branch of the Dunder Mifflin Paper Company.',
    popularity: 150.2,
    poster_path: null,
    genres: [Comedy],
    alternative_titles: [{ iso_3166_1: 'US', title: 'The Office (US)', type: '' }],
    seasons: [
      season(1, '2005-03-24', theOfficeS1),
      seasonWithoutEpisodes(2, '2005-09-20', 22),
      seasonWithoutEpisodes(3, '2006-09-21', 25),
      seasonWithoutEpisodes(4, '2007-09-27', 19),
      seasonWithoutEpisodes(5, '2008-09-25', 28),
      seasonWithoutEpisodes(6, '2009-09-17', 26),
      seasonWithoutEpisodes(7, '2010-09-23', 26),
      seasonWithoutEpisodes(8, '2011-09-22', 24),
      seasonWithoutEpisodes(9, '2012-09-20', 25),
    ],
  },
  {
    id: 126308,
    imdb_id: 'tt2788316',
    tvdb_id: null,
    name: 'Shōgun',
    original_name: 'Shōgun',
    original_language: 'en',
    origin_country: ['US'],
    first_air_date: '2024-02-27',
    last_air_date: '2024-04-23',
    status: 'Returning Series',
    in_production: true,
    overview: 'In Japan in the year 1600, Lord Yoshii Toranaga fights for his life as his enemies on the Council of Regents unite against him.',
    popularity: 60.9,
    poster_path: '/7O4iVfOMQmdCSxhOg1WnzG1AgYT.jpg',
    genres: [Drama, WarAndPolitics],
    alternative_titles: [],
    seasons: [season(1, '2024-02-27', shogunS1)],
  },
];

/** Multi search answers people too; Sokoul's client skips them. */
export const FAKE_TMDB_PEOPLE: readonly FakeTmdbPerson[] = [
  { id: 137427, name: 'Denis Villeneuve', original_name: 'Denis Villeneuve', known_for_department: 'Directing', popularity: 12.4 },
];
