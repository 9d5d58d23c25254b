/**
 * What the oracle bench searches for: real films and series, written as release groups write
 * them. Plain data; `releases.ts` turns a work into the release names indexers would list.
 */

export interface Film {
  readonly kind: 'movie';
  readonly title: string;
  /** As in release names: `Dune.Part.Two`, `Deadpool.and.Wolverine`. */
  readonly releaseTitle: string;
  readonly year: number;
  /** Out on streaming in the last months: new encodes still appear, cams are still listed. */
  readonly recent: boolean;
}

export interface Series {
  readonly kind: 'series';
  readonly title: string;
  readonly releaseTitle: string;
  /** The year it first aired (what TMDB gives as the show's year). */
  readonly year: number;
  /** The season the watchlist follows, and how many episodes it has (or will have). */
  readonly season: number;
  readonly episodes: number;
  /** Still airing, one episode a week; otherwise every episode of `season` is out. */
  readonly running: boolean;
  /** The streaming service tag of its WEB-DLs. */
  readonly service: string;
}

export type Work = Film | Series;

const film = (title: string, releaseTitle: string, year: number, recent = false): Film => ({ kind: 'movie', title, releaseTitle, year, recent });
const series = (title: string, releaseTitle: string, year: number, season: number, episodes: number, service: string, running = false): Series => ({
  kind: 'series',
  title,
  releaseTitle,
  year,
  season,
  episodes,
  running,
  service,
});

export const FILMS: readonly Film[] = [
  film('Dune: Part Two', 'Dune.Part.Two', 2024, true),
  film('Furiosa: A Mad Max Saga', 'Furiosa.A.Mad.Max.Saga', 2024, true),
  film('Civil War', 'Civil.War', 2024, true),
  film('Challengers', 'Challengers', 2024, true),
  film('Inside Out 2', 'Inside.Out.2', 2024, true),
  film('Deadpool & Wolverine', 'Deadpool.and.Wolverine', 2024, true),
  film('Alien: Romulus', 'Alien.Romulus', 2024, true),
  film('The Substance', 'The.Substance', 2024, true),
  film('Conclave', 'Conclave', 2024, true),
  film('Anora', 'Anora', 2024, true),
  film('Nosferatu', 'Nosferatu', 2024, true),
  film('Gladiator II', 'Gladiator.II', 2024, true),
  film('The Brutalist', 'The.Brutalist', 2024, true),
  film('Sinners', 'Sinners', 2025, true),
  film('Mickey 17', 'Mickey.17', 2025, true),
  film('Oppenheimer', 'Oppenheimer', 2023),
  film('Dune', 'Dune', 2021),
  film('The Matrix', 'The.Matrix', 1999),
  film('Blade Runner 2049', 'Blade.Runner.2049', 2017),
  film('Poor Things', 'Poor.Things', 2023),
  film('Past Lives', 'Past.Lives', 2023),
  film('Killers of the Flower Moon', 'Killers.of.the.Flower.Moon', 2023),
  film('The Holdovers', 'The.Holdovers', 2023),
  film('Anatomy of a Fall', 'Anatomy.of.a.Fall', 2023),
  film('Parasite', 'Parasite', 2019),
  film('Everything Everywhere All at Once', 'Everything.Everywhere.All.at.Once', 2022),
  film('Top Gun: Maverick', 'Top.Gun.Maverick', 2022),
  film('Spider-Man: Across the Spider-Verse', 'Spider-Man.Across.the.Spider-Verse', 2023),
  film('Godzilla Minus One', 'Godzilla.Minus.One', 2023),
  film('1917', '1917', 2019),
  film('Mad Max: Fury Road', 'Mad.Max.Fury.Road', 2015),
  film('Arrival', 'Arrival', 2016),
  film('Heat', 'Heat', 1995),
  film('Alien', 'Alien', 1979),
  film('The Thing', 'The.Thing', 1982),
  film('Interstellar', 'Interstellar', 2014),
  film('Whiplash', 'Whiplash', 2014),
  film('No Country for Old Men', 'No.Country.for.Old.Men', 2007),
  film('Prisoners', 'Prisoners', 2013),
  film('Sicario', 'Sicario', 2015),
];

export const SERIES: readonly Series[] = [
  series('Breaking Bad', 'Breaking.Bad', 2008, 5, 16, 'AMZN'),
  series('Shōgun', 'Shogun.2024', 2024, 1, 10, 'DSNP'),
  series('Succession', 'Succession', 2018, 4, 10, 'HMAX'),
  series('Chernobyl', 'Chernobyl', 2019, 1, 5, 'HMAX'),
  series('The Bear', 'The.Bear', 2022, 3, 10, 'DSNP'),
  series('True Detective', 'True.Detective', 2014, 1, 8, 'HMAX'),
  series('Fargo', 'Fargo', 2014, 5, 10, 'AMZN'),
  series('Dark', 'Dark', 2017, 3, 8, 'NF'),
  series('Severance', 'Severance', 2022, 2, 10, 'ATVP', true),
  series('The Last of Us', 'The.Last.of.Us', 2023, 2, 7, 'HMAX', true),
  series('Andor', 'Andor', 2022, 2, 12, 'DSNP', true),
  series('Slow Horses', 'Slow.Horses', 2022, 5, 6, 'ATVP', true),
  series('The White Lotus', 'The.White.Lotus', 2021, 3, 8, 'HMAX', true),
  series('Only Murders in the Building', 'Only.Murders.in.the.Building', 2021, 5, 10, 'DSNP', true),
  series('Abbott Elementary', 'Abbott.Elementary', 2021, 5, 22, 'HULU', true),
  series('Poker Face', 'Poker.Face', 2023, 2, 12, 'PCOK', true),
];
