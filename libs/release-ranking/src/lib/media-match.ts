/**
 * Is this release the film or episode that was asked for? Indexers answer a search for
 * `The Matrix` with `The Matrix Reloaded` too, and a search for `Dune` with `Dune Part Two`.
 *
 * Titles are compared after normalising what release names cannot or do not spell: case,
 * accents (`Les Misérables`), `&` (`and`), punctuation (`Spider-Man: No Way Home`), acronym dots
 * (`S.H.I.E.L.D.`), a leading article, a country suffix (`The Office US`), and numbers written
 * as words or Roman numerals (`Part Two`, `Rocky II`). Then:
 *
 * - the numbers must be the same: sequels differ by nothing else (`Toy Story 2`);
 * - the words must agree to a Sørensen–Dice coefficient of at least 0.8 on word sets, or be
 *   the same letters once spaces are gone (`Spiderman`). 0.8 keeps one differing word in five
 *   (`Harry Potter and the Sorcerer's / Philosopher's Stone`) and refuses one extra word in two
 *   or three (`The Matrix` / `The Matrix Reloaded`: 0.67) or two in seven (`…Chamber of
 *   Secrets` / `…Prisoner of Azkaban`: 0.71).
 *
 * Titles that share nothing in their spelling (`Star Wars` / `Star Wars Episode IV A New Hope`,
 * translated titles) are refused: matching them takes the alternative titles TMDB knows.
 * Whether a release is a film or an episode at all is `rankRelease`'s `wrong-kind`.
 */
import { type ParsedRelease, parseReleaseTitle } from '@sokoul/release-parser';

/**
 * The fields of `Media` (`@sokoul/contracts`) read here. Declared here because a util library
 * may not depend on contracts (docs/adr/0002-module-boundaries.md); a `Media` is assignable.
 */
export interface MediaToMatch {
  readonly kind: 'movie' | 'series';
  readonly title: string;
  readonly year: number | null;
  readonly season: number | null;
  readonly episode: number | null;
}

export type MediaMatch =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'wrong-title' | 'wrong-year' | 'wrong-season' | 'wrong-episode'; readonly reason: string };

/** The lowest word-set Dice coefficient at which two titles are the same (see above). */
const TITLE_SIMILARITY_THRESHOLD = 0.8;
/** Festival, theatrical and digital releases of a film fall in neighbouring years. */
const YEAR_TOLERANCE = 1;

const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['\u2019\u02bc`]/g;
const WORD = /[\p{L}\p{N}]+/gu;
const LEADING_ARTICLES = new Set(['the', 'a', 'an', 'le', 'la', 'les', 'l', 'el', 'los', 'las', 'der', 'die', 'das', 'il', 'lo', 'gli', 'un', 'une']);
/** `The Office US`, `Shameless UK`: scene names add the country TMDB keeps apart. */
const COUNTRY_SUFFIXES = new Set(['us', 'uk', 'au', 'nz', 'ca']);
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'].map((word, i) => [word, String(i + 1)]),
);
/** `I` is left alone: it is a word far more often than a numeral. */
const ROMAN_NUMERALS: ReadonlyMap<string, string> = new Map(
  ['ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'].map((numeral, i) => [numeral, String(i + 2)]),
);
const NUMBER = /^\d+$/;

export function matchReleaseToMedia(title: string, media: MediaToMatch): MediaMatch {
  const parsed = parseReleaseTitle(title);
  const titleMismatch = compareTitles(releaseTitle(parsed), media.title);
  if (titleMismatch !== null) return { ok: false, code: 'wrong-title', reason: titleMismatch };
  if (parsed.year !== null && media.year !== null && Math.abs(parsed.year - media.year) > YEAR_TOLERANCE) {
    return { ok: false, code: 'wrong-year', reason: `${media.title} is from ${media.year}; this release is from ${parsed.year}` };
  }
  return media.kind === 'series' ? matchEpisodes(parsed, media) : { ok: true };
}

/**
 * The parsed title without the year Sonarr keeps in series titles (`Doctor Who 2005`): the year
 * is judged on its own, against the media's.
 */
function releaseTitle(parsed: ParsedRelease): string {
  if (parsed.year === null) return parsed.title;
  return parsed.title.replace(new RegExp(`[ (]*${parsed.year}\\)?$`), '');
}

function compareTitles(released: string, wanted: string): string | null {
  const releaseWords = normalisedWords(released);
  const wantedWords = normalisedWords(wanted);
  if (releaseWords.length === 0) return `The release names no title; ${wanted} was asked for`;
  const differ = `"${released}" is not ${wanted}`;
  if (!sameSet(releaseWords.filter(isNumber), wantedWords.filter(isNumber))) return differ;
  if (releaseWords.join('') === wantedWords.join('')) return null;
  return dice(new Set(releaseWords), new Set(wantedWords)) >= TITLE_SIMILARITY_THRESHOLD ? null : differ;
}

function normalisedWords(title: string): string[] {
  const spelled = title
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(APOSTROPHES, '')
    .replace(/&/g, ' and ')
    .toLowerCase();
  const words: string[] = [];
  // `S.H.I.E.L.D.`, `R.I.P.D.`: a run of single letters is one word.
  let inLetterRun = false;
  for (const [word] of spelled.matchAll(WORD)) {
    const singleLetter = word.length === 1 && /\p{L}/u.test(word);
    if (singleLetter && inLetterRun) words[words.length - 1] += word;
    else words.push(word);
    inLetterRun = singleLetter;
  }
  const numbered = words.map((word) => NUMBER_WORDS.get(word) ?? ROMAN_NUMERALS.get(word) ?? word);
  if (numbered.length > 1 && LEADING_ARTICLES.has(numbered[0])) numbered.shift();
  if (numbered.length > 1 && COUNTRY_SUFFIXES.has(numbered[numbered.length - 1])) numbered.pop();
  return numbered;
}

function isNumber(word: string): boolean {
  return NUMBER.test(word);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return (2 * shared) / (a.size + b.size);
}

function matchEpisodes(parsed: ParsedRelease, media: MediaToMatch): MediaMatch {
  if (media.season === null) return { ok: true };
  const asked = media.episode === null ? `season ${media.season}` : `S${pad(media.season)}E${pad(media.episode)}`;
  if (parsed.season === null) {
    // Daily and absolute-numbered anime releases cannot be checked without the series' episode list.
    if (parsed.airDate !== null || parsed.absoluteEpisodes.length > 0) return { ok: true };
    return { ok: false, code: 'wrong-season', reason: `Asked for ${asked}; this release names no season` };
  }
  if (parsed.multiSeason) return { ok: true }; // S01-S05: only the first season is known.
  if (parsed.season !== media.season) {
    return { ok: false, code: 'wrong-season', reason: `Asked for ${asked}; this release is season ${parsed.season}` };
  }
  // The parser marks a season's extras as a full season too: they are judged first.
  if (parsed.seasonExtra) return { ok: false, code: 'wrong-episode', reason: `Asked for ${asked}; this release holds the season's extras` };
  if (media.episode === null || parsed.fullSeason) return { ok: true };
  if (parsed.episodes.length > 0 && !parsed.episodes.includes(media.episode)) {
    const episodes = parsed.episodes.map((episode) => `E${pad(episode)}`).join('-');
    return { ok: false, code: 'wrong-episode', reason: `Asked for ${asked}; this release is S${pad(parsed.season)}${episodes}` };
  }
  return { ok: true };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
