/**
 * Where a movie's title ends, and its year, as Radarr reads them. The title ends at the year
 * (the last of consecutive years: `Movie.Klasse.von.1999.1990` is from 1990), or before it at
 * an edition (`Movie.Extended.2009`) or at the first technical tag when there is no year.
 * A language word ends the title only where it cannot be part of it: spelt in capitals, or
 * followed by a year or another tag, and not right after "The" (`The.German.Doctor`).
 */
import { isEditionStart } from './edition';
import { isFullLanguageWord, languageAt } from './language';
import { Kind, type Tags } from './tags';
import { type Token, isYear } from './tokens';

export interface MovieBoundary {
  /** Index of the first token after the title. */
  readonly tagIndex: number;
  /** Offset in the name where the title ends. */
  readonly titleEnd: number;
  readonly year: number | null;
}

/** Titles that contain a language word, which Radarr hard-codes too. */
const TITLES_WITH_LANGUAGE = new Set(['the good german']);

/** Flags that end a movie title. */
const TITLE_ENDING_FLAGS = new Set([
  'proper', 'repack', 'rerip', 'internal', 'limited', 'dubbed', 'subbed', 'dl', 'multi', 'complete', 'readnfo', 'nfofix',
  'dirfix', 'hc', 'hardsub', 'hardsubs', '3d', 'hsbs', 'sbs', 'dual', 'festival', 'stv', 'docu', 'retail',
]);

function isYearToken(token: Token): boolean {
  return isYear(token.lower);
}

function endsTitle(name: string, tokens: readonly Token[], tags: Tags, i: number, first: number): boolean {
  const token = tokens[i];
  const kind = tags.kinds[i];
  if (kind === Kind.Quality || kind === Kind.Version) return true;
  if (kind === Kind.Flag) {
    if (token.lower === 'real') return token.text === 'REAL';
    return TITLE_ENDING_FLAGS.has(token.lower);
  }
  if (isEditionStart(tokens, i)) return true;
  const before = name[token.start - 1];
  if (before === '[') return true;
  const language = languageAt(tokens, i);
  if (language !== null) {
    const previous = tokens[i - 1];
    if (previous !== undefined && previous.lower === 'the') return false;
    const titleSoFar = tokens
      .slice(first, i + 1)
      .map((t) => t.lower)
      .join(' ');
    if (TITLES_WITH_LANGUAGE.has(titleSoFar)) return false;
    const full = isFullLanguageWord(token.lower);
    const capitals = token.text.length >= 2 && token.text === token.text.toUpperCase() && /[A-Z]/.test(token.text);
    if (full && capitals) return true;
    const next = tokens[i + 1];
    if (next === undefined) return full;
    if (isYearToken(next)) return full;
    const nextKind = tags.kinds[i + 1];
    if (nextKind !== Kind.None || languageAt(tokens, i + 1) !== null || isEditionStart(tokens, i + 1)) return true;
    return false;
  }
  return false;
}

/** The title boundary and year of a movie whose title starts at token `first`. */
export function findMovieBoundary(name: string, tokens: readonly Token[], tags: Tags, first: number): MovieBoundary {
  let boundary = tokens.length;
  let year: number | null = null;
  for (let i = first + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (isYearToken(token)) {
      // Consecutive years: the last one is the year, the others belong to the title.
      let last = i;
      while (last + 1 < tokens.length && isYearToken(tokens[last + 1])) last++;
      boundary = last;
      year = Number(tokens[last].lower);
      break;
    }
    if (endsTitle(name, tokens, tags, i, first)) {
      boundary = i;
      break;
    }
  }
  if (year === null) {
    for (let i = boundary; i < tokens.length; i++) {
      if (isYearToken(tokens[i])) {
        year = Number(tokens[i].lower);
        break;
      }
    }
  }
  const titleEnd = boundary < tokens.length ? tokens[boundary].start : name.length;
  return { tagIndex: boundary, titleEnd, year };
}
