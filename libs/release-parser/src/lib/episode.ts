/**
 * Episode numbering, as Sonarr reads it: `S01E01`, `1x01`, multi-episode runs (`S01E01E02`,
 * `S01E01-E03`, `2x04x05`), `Season 1 Episode 2`, daily shows (`2024.03.15`), anime absolute
 * numbers (`[Group] Title - 012`), season packs (`S02`, `Season 4`, `S01-S05`) and mini-series
 * parts. Each form is a precompiled regular expression with bounded repetition; the first form
 * that matches, in Sonarr's order of preference, wins.
 */
import { Kind, type Tags } from './tags';
import { type Token, isFrameSize, isYear } from './tokens';
import { isFullLanguageWord } from './language';

export type EpisodeKind = 'episode' | 'season' | 'daily' | 'anime';

export interface EpisodeInfo {
  kind: EpisodeKind;
  /** Where the series title ends in the name. */
  titleEnd: number;
  /** Where the episode marker ends: tags (languages…) are read from there. */
  markerEnd: number;
  season: number | null;
  episodes: number[];
  absoluteEpisodes: number[];
  specialAbsoluteEpisodes: number[];
  airDate: string | null;
  dailyPart: number | null;
  fullSeason: boolean;
  multiSeason: boolean;
  seasonPart: number | null;
  seasonExtra: boolean;
  special: boolean;
}

function info(kind: EpisodeKind, titleEnd: number, markerEnd: number): EpisodeInfo {
  return {
    kind,
    titleEnd,
    markerEnd,
    season: null,
    episodes: [],
    absoluteEpisodes: [],
    specialAbsoluteEpisodes: [],
    airDate: null,
    dailyPart: null,
    fullSeason: false,
    multiSeason: false,
    seasonPart: null,
    seasonExtra: false,
    special: false,
  };
}

export function numberRange(first: number, last: number): number[] {
  if (last < first || last - first > 500) return [first];
  const numbers: number[] = [];
  for (let n = first; n <= last; n++) numbers.push(n);
  return numbers;
}

// --- Standard numbering ----------------------------------------------------------------------

/** S01E02, S01.E02, S01 - E02, S01EP02, S01.Ep.02, S1-E1; glued to the title too (`zoos01e11`). */
const SXXEYY = /(?<![0-9])s(\d{1,4})(?:[ ._-]{0,3}e[ ._]?|[ ._]?ep(?:isode)?[ ._]?)(\d{1,5})(?![0-9])/gi;
/** 1x02, 2016x231 (not a frame size like 1280x720). */
const NXNN = /(?<![a-z0-9])(\d{1,4})x(\d{1,5})(?![0-9]|p\b)/gi;
/** Season 1 Episode 2, Season 01 - Episode 05-06. */
const SEASON_EPISODE = /(?<![a-z0-9])season[ ._-]*(\d{1,4})[ ._-]*episode[ ._-]*(\d{1,5})/gi;
/** [Cap.201] (Spanish: capítulo, season 2 episode 01). */
const CAPITULO = /\[cap\.(\d{1,2})(\d{2})\]/i;

/** What may follow an episode to add another: E02, -02, -E02, .S01E02, 2x05, x05, _02. */
const MORE_E = /^[ ._-]{0,3}ep?(\d{1,5})(?![0-9])/i;
const MORE_DASH = /^-(\d{1,5})(?![0-9a-z])/i;
const MORE_SXXEYY = /^[ ._-]{0,3}s(\d{1,4})e(\d{1,5})(?![0-9])/i;
const MORE_NXNN = /^[ ._-]{1,3}(\d{1,4})x(\d{1,5})(?![0-9])/i;
const MORE_X = /^-?x(\d{1,5})(?![0-9])/i;
const MORE_UNDERSCORE = /^_(\d{2,3})(?![0-9])/;
const VERSION_SUFFIX = /^[ ]?v\d(?![0-9a-z])/i;


interface Standard {
  index: number;
  end: number;
  season: number;
  episodes: number[];
}


/** Extend the first episode with the episodes that follow it. */
function moreEpisodes(name: string, season: number, first: number, end: number): { episodes: number[]; end: number } {
  let last = first;
  let pos = end;
  for (;;) {
    const rest = name.slice(pos);
    let m = MORE_SXXEYY.exec(rest);
    if (m !== null && Number(m[1]) === season) {
      last = Number(m[2]);
      pos += m[0].length;
      continue;
    }
    m = MORE_NXNN.exec(rest);
    if (m !== null && Number(m[1]) === season && !isFrameSize(Number(m[1]), Number(m[2]))) {
      last = Number(m[2]);
      pos += m[0].length;
      continue;
    }
    m = MORE_E.exec(rest) ?? MORE_DASH.exec(rest) ?? MORE_X.exec(rest) ?? MORE_UNDERSCORE.exec(rest);
    if (m !== null) {
      const n = Number(m[1]);
      if (n > last) {
        last = n;
        pos += m[0].length;
        continue;
      }
    }
    break;
  }
  const version = VERSION_SUFFIX.exec(name.slice(pos));
  if (version !== null) pos += version[0].length;
  return { episodes: numberRange(first, last), end: pos };
}

function findStandard(name: string, from: number, limit: number): Standard | null {
  let best: Standard | null = null;
  SXXEYY.lastIndex = from;
  const s = SXXEYY.exec(name);
  if (s !== null) {
    const season = Number(s[1]);
    const more = moreEpisodes(name, season, Number(s[2]), s.index + s[0].length);
    best = { index: s.index, end: more.end, season, episodes: more.episodes };
  }
  // The other forms can only win before it, or before the first tag.
  const head = name.slice(0, best === null ? limit : best.index);
  NXNN.lastIndex = from;
  for (let m = NXNN.exec(head); m !== null; m = NXNN.exec(head)) {
    const season = Number(m[1]);
    const episode = Number(m[2]);
    if (isFrameSize(season, episode)) continue;
    const more = moreEpisodes(name, season, episode, m.index + m[0].length);
    best = { index: m.index, end: more.end, season, episodes: more.episodes };
    break;
  }
  E_RANGE.lastIndex = from;
  const r = E_RANGE.exec(head);
  if (r !== null && (best === null || r.index < best.index)) {
    best = { index: r.index, end: r.index + r[0].length, season: 1, episodes: numberRange(Number(r[1]), Number(r[2])) };
  }
  SEASON_EPISODE.lastIndex = from;
  const w = SEASON_EPISODE.exec(head);
  if (w !== null && (best === null || w.index < best.index)) {
    const season = Number(w[1]);
    const more = moreEpisodes(name, season, Number(w[2]), w.index + w[0].length);
    best = { index: w.index, end: more.end, season, episodes: more.episodes };
  }
  return best;
}

// --- Daily shows -------------------------------------------------------------------------------

const DAILY_PART = /^[ ._-]*part[ ._]?(\d{1,2})(?![0-9])/i;

interface Daily {
  index: number;
  end: number;
  date: string;
}

function validDate(year: number, month: number, day: number): string | null {
  let m = month;
  let d = day;
  if (m > 12 && d <= 12) [m, d] = [d, m];
  if (m < 1 || m > 12 || d < 1 || d > 31 || year < 1951) return null;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const isDateSeparator = (c: string | undefined): boolean => c === '.' || c === '-' || c === '_' || c === ' ';

/**
 * The first air date in the text: 2024.03.15 (or -, _, space; day and month swapped when the
 * month is over 12), 03.15.2024, 20240315, 240315. One pass over the runs of digits.
 */
function findDaily(text: string, from: number): Daily | null {
  const runs: number[] = [];
  for (let i = from; i < text.length; ) {
    if (!isDigitCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
    runs.push(i, end);
    i = end;
  }
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r];
    const end = runs[r + 1];
    const length = end - start;
    const digits = text.slice(start, end);
    const first = text.charCodeAt(start);
    // Three runs with the same separator: YYYY.MM.DD or MM.DD.YYYY.
    if ((length === 4 || length === 2) && r + 5 < runs.length) {
      const sep = text[end];
      const second = runs[r + 2];
      const secondEnd = runs[r + 3];
      const third = runs[r + 4];
      const thirdEnd = runs[r + 5];
      if (isDateSeparator(sep) && second === end + 1 && text[secondEnd] === sep && third === secondEnd + 1 && secondEnd - second === 2) {
        const middle = Number(text.slice(second, secondEnd));
        const last = text.slice(third, thirdEnd);
        let date: string | null = null;
        if (length === 4 && last.length === 2 && isYearNumber(digits)) date = validDate(Number(digits), middle, Number(last));
        else if (length === 2 && last.length === 4 && isYearNumber(last)) date = validDate(Number(last), Number(digits), middle);
        if (date !== null) return { index: start, end: thirdEnd, date };
      }
    }
    const before = start > 0 ? text[start - 1] : ' ';
    const after = end < text.length ? text[end] : ' ';
    if (length === 8 && isYearNumber(text.slice(start, start + 4))) {
      const date = validDate(Number(text.slice(start, start + 4)), Number(text.slice(start + 4, start + 6)), Number(text.slice(start + 6, end)));
      if (date !== null) return { index: start, end, date };
    }
    if (length === 6 && first !== 48 && !/[a-z]/i.test(before) && !/[a-z]/i.test(after)) {
      const month = Number(text.slice(start + 2, start + 4));
      const date = month <= 12 ? validDate(2000 + Number(text.slice(start, start + 2)), month, Number(text.slice(start + 4, end))) : null;
      if (date !== null) return { index: start, end, date };
    }
  }
  return null;
}

function isYearNumber(digits: string): boolean {
  return digits.length === 4 && (digits.startsWith('19') || digits.startsWith('20'));
}

// --- Anime absolute numbering ------------------------------------------------------------------

/** ` - 012`, `_-_12`, `.-.09`, ` - 01-12`, ` - 01 ~ 10`, ` - 10.5` */
const DASH_ABSOLUTE = /[ ._]+-[ ._]+(\d{1,4}(?:\.5)?)(v\d)?((?:-\d{1,4})+|[ ._]*~[ ._]*\d{1,4})?/g;
/** `-01[` glued to the title, for an anime release with a group prefix. */
const GLUED_DASH_ABSOLUTE = /(?<=[a-z!?)])-(\d{1,4})(v\d)?(?=[[( ._]|$)/gi;
/** `Ep01`, `EP06`, `Episode 56`, `e66`, `Ep01-12`. */
const EPISODE_WORD = /(?<![a-z0-9])(?:(?:episode|ep)[ ._]?|e)(\d{1,4})(v\d)?(?:[ ._]?-[ ._]?(?:ep?)?(\d{1,4}))?(?![0-9a-z])/gi;
/** `E07-E08` without a season: season 1. */
const E_RANGE = /(?<![a-z0-9])e(\d{1,3})[ ._]?-[ ._]?e(\d{1,3})(?![0-9])/gi;
/** `#957`, `{01}`, `[05]` (after a `[Group]` title), `(01-25)`. */
const HASH_ABSOLUTE = /(?<![a-z0-9])#(\d{1,4})(?![0-9])/;
const BRACE_ABSOLUTE = /\{(\d{1,4})\}/;
const BRACKET_ABSOLUTE = /\[(\d{1,4})\]/;
const PAREN_RANGE = /\((\d{1,4})-(\d{1,4})\)/;
/** `Title S21 999`: the season belongs to the title, the number is absolute. */
const AFTER_SEASON_ABSOLUTE = /(?<![a-z0-9])s\d{1,2}[ ._]+(\d{2,4})(?![0-9a-z])/gi;
/** ` - 01 - OVA [BD]`: a special. */
const SPECIAL_AFTER = /^[ ._]*-[ ._]*(?:special|ova|ovd)(?=[ ._]*(?:$|[[(]))/i;
/** An absolute number right after `S01E01`: `.001.`, ` - 001-002`, ` (001-002)`. */
const AFTER_STANDARD_ABSOLUTE = /^(?:[ ._]+|[ ._]*-[ ._]*)(\d{2,4})((?:-\d{2,4})*)(?=$|[ ._[(])/;
const AFTER_STANDARD_PAREN_ABSOLUTE = /^[ ._]*\((\d{2,4})((?:-\d{2,4})*)\)/;
/** `11-02 Title`: season and episode at the very start. */
const START_SEASON_EPISODE = /^(\d{1,2})-(\d{2})(?=[ ._])/;
/** `…-x264-103`: an episode number at the very end. */
const TRAILING_NUMBER = /-\d{3,4}$/;
/** `[Group] Title 214 10x14`: an absolute number just before the episode. */
const BEFORE_STANDARD_ABSOLUTE = /(?<![0-9a-z])(\d{2,4})[ ._]+$/i;

// --- Seasons -----------------------------------------------------------------------------------

/** `S01-05`, `S01-S09`, `S01 - S07`, `Season 01-07`, `Season 01 - Season 07`. */
const MULTI_SEASON = /(?<![a-z0-9])(?:s(\d{1,2})[ ._]?-[ ._]?(s?)(\d{1,2})|season[ ._]?(\d{1,2})[ ._]?-[ ._]?(?:season[ ._]?)?(\d{1,2}))(?![0-9a-z])/i;
/** `S02`, `S 01`, `Season 4`, `Season4`, `Saison.1`, `Temporada 2`. */
const SEASON = /(?<![a-z0-9])(?:s(\d{1,4})|s (\d{2})|(?:season|saison|temporada)[ ._]?(\d{1,4}))(?![0-9a-z])/gi;
/** `Title - Series 1 (1970)`, the British spelling of a season. */
const SERIES_N = /[ ._]-[ ._]series[ ._](\d{1,2})(?![0-9a-z])/i;
const SEASON_EXTRA = /^[ ._-]*(?:extras|subpack)(?![a-z])/i;
const SEASON_PART = /^[ ._-]*part[ ._]?(\d{1,2})(?![0-9a-z])/i;
const SEASON_IN_TITLE = /[ ._]*\((?:season|s)[ ._]?(\d{1,2})\)[ ._]*$/i;

// --- Mini-series and bare numbers --------------------------------------------------------------

/** `Part01`, `Part 2`, `Part.Two`: an episode of a mini-series. */
const PART = /(?<![a-z0-9])part[ ._]?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)(?![0-9a-z])/i;
/** `5of9`. */
const N_OF_M = /(?<![a-z0-9])(\d{1,2})of(\d{1,2})(?![0-9a-z])/i;
const WORD_NUMBERS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
/** `Title.103.104`: two episodes written as SEE. */
const BARE_PAIR = /(?<=[ ._-])(\d)(\d\d)[ ._](\d)(\d\d)(?=[ ._-]|$)/;
/** `Title.10708` (S1 E07-E08) and `Title.010910` (S01 E09-E10). */
const BARE_FIVE = /(?<=[ ._-])([1-9])(\d\d)(\d\d)(?=[ ._-]|$)/;
const BARE_SIX = /(?<=[ ._-])(0\d)(\d\d)(\d\d)(?=[ ._-]|$)/;
/** `Title.103`, `Title.1013`: SEE or SSEE. */
const BARE_SEASON_EPISODE = /(?<=[ ._-])(\d{1,2})(\d\d)(?=[ ._-]|$)/g;
/** `Title 2018 06 720p`, `Title 1-13 (…)`: a bare absolute number or range before the tags. */
const BARE_ABSOLUTE = /(?<=[ ._])(\d{1,4})(?:-(\d{1,4}))?(?=[ ._]|$)/g;

export interface EpisodeContext {
  readonly name: string;
  /** The name up to its first technical tag: numbering is looked for there. */
  readonly head: string;
  /** Start of the title, after a `[Group]` prefix. */
  readonly bodyStart: number;
  /** An anime-style `[Group]` prefix. */
  readonly prefixed: boolean;
  readonly tokens: readonly Token[];
  readonly tags: Tags;
}

/** Offset in the name of the first technical tag after the title start, or the name's length. */
function firstTagOffset(ctx: EpisodeContext): number {
  const { tokens, tags, name, bodyStart } = ctx;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start < bodyStart) continue;
    const kind = tags.kinds[i];
    if (kind === Kind.Quality || kind === Kind.Flag || isFullLanguageWord(t.lower) || t.lower === 'vostfr') return t.start;
  }
  return name.length;
}

function isTagAt(ctx: EpisodeContext, offset: number): boolean {
  const { tokens, tags } = ctx;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].start === offset) {
      const kind = tags.kinds[i];
      return kind === Kind.Quality || kind === Kind.Flag || isFullLanguageWord(tokens[i].lower) || tokens[i].lower === 'vostfr';
    }
    if (tokens[i].start > offset) return false;
  }
  return false;
}

/** How many spaces, dots and underscores start the text. */
function leadingSeparators(text: string): number {
  let n = 0;
  while (n < text.length && (text[n] === ' ' || text[n] === '.' || text[n] === '_')) n++;
  return n;
}

/** After an absolute number: the end, a bracket, ` - `, or a tag. */
function endsAbsolute(ctx: EpisodeContext, pos: number): boolean {
  const rest = ctx.name.slice(pos);
  if (rest.length === 0 || /^[ ._]*$/.test(rest)) return true;
  if (/^[ ._]*[[(]/.test(rest) || /^[ ._]+-[ ._]/.test(rest) || /^[ ._]*[~]/.test(rest)) return true;
  return isTagAt(ctx, pos + leadingSeparators(rest));
}

/** Numbers of a run like `01-02-03` or `01 ~ 10`: first and last. */
function runBounds(first: number, tail: string | undefined): [number, number] {
  if (!tail) return [first, first];
  const numbers = tail.match(/\d{1,4}/g);
  if (numbers === null) return [first, first];
  return [first, Number(numbers[numbers.length - 1])];
}

function absolute(ctx: EpisodeContext, titleEnd: number, markerEnd: number, first: number, last: number): EpisodeInfo {
  const result = info('anime', titleEnd, markerEnd);
  result.absoluteEpisodes = numberRange(first, last);
  return result;
}

function findAbsolute(ctx: EpisodeContext): EpisodeInfo | null {
  const { name, head, bodyStart, prefixed } = ctx;

  const paren = PAREN_RANGE.exec(head.slice(bodyStart));
  if (paren !== null && prefixed) {
    const at = bodyStart + paren.index;
    return absolute(ctx, at, at + paren[0].length, Number(paren[1]), Number(paren[2]));
  }

  DASH_ABSOLUTE.lastIndex = bodyStart;
  for (let m = DASH_ABSOLUTE.exec(head); m !== null; m = DASH_ABSOLUTE.exec(head)) {
    const text = m[1];
    if (text.length === 4 && isYear(text)) continue;
    const end = m.index + m[0].length;
    if (!endsAbsolute(ctx, end)) continue;
    if (text.endsWith('.5')) {
      const result = info('anime', m.index, end);
      result.specialAbsoluteEpisodes = [Number(text)];
      return result;
    }
    const [first, last] = runBounds(Number(text), m[3]);
    // `[Group] Show 01 - 119`: a zero-padded number before the dash starts a range.
    const before = prefixed ? /(?<=[ ._])(0\d{1,3})$/.exec(name.slice(bodyStart, m.index)) : null;
    if (before !== null && Number(before[1]) < first) return absolute(ctx, bodyStart + before.index, end, Number(before[1]), last);
    const result = absolute(ctx, m.index, end, first, last);
    if (SPECIAL_AFTER.test(name.slice(end))) {
      result.special = true;
      result.season = 0;
    }
    return result;
  }

  if (prefixed) {
    GLUED_DASH_ABSOLUTE.lastIndex = bodyStart;
    const glued = GLUED_DASH_ABSOLUTE.exec(head);
    if (glued !== null) return absolute(ctx, glued.index, glued.index + glued[0].length, Number(glued[1]), Number(glued[1]));
  }

  const hash = HASH_ABSOLUTE.exec(head.slice(bodyStart));
  if (hash !== null) {
    const at = bodyStart + hash.index;
    return absolute(ctx, at, at + hash[0].length, Number(hash[1]), Number(hash[1]));
  }
  const brace = BRACE_ABSOLUTE.exec(head.slice(bodyStart));
  if (brace !== null) {
    const at = bodyStart + brace.index;
    return absolute(ctx, at, at + brace[0].length, Number(brace[1]), Number(brace[1]));
  }

  EPISODE_WORD.lastIndex = bodyStart;
  let word = EPISODE_WORD.exec(head);
  while (word !== null && isYear(word[1])) word = EPISODE_WORD.exec(head);
  if (word !== null) {
    const first = Number(word[1]);
    const last = word[3] === undefined ? first : Number(word[3]);
    return absolute(ctx, word.index, word.index + word[0].length, first, last);
  }

  AFTER_SEASON_ABSOLUTE.lastIndex = bodyStart;
  for (let m = AFTER_SEASON_ABSOLUTE.exec(head); m !== null; m = AFTER_SEASON_ABSOLUTE.exec(head)) {
    if (isYear(m[1])) continue;
    const end = m.index + m[0].length;
    if (!endsAbsolute(ctx, end)) continue;
    const at = end - m[1].length;
    return absolute(ctx, at, end, Number(m[1]), Number(m[1]));
  }

  if (prefixed) {
    const tagAt = firstTagOffset(ctx);
    const bracket = BRACKET_ABSOLUTE.exec(name.slice(bodyStart, tagAt + 1));
    if (bracket !== null && bracket.index > 0 && !isYear(bracket[1])) {
      const at = bodyStart + bracket.index;
      return absolute(ctx, at, at + bracket[0].length, Number(bracket[1]), Number(bracket[1]));
    }
    const bare = lastBareNumber(ctx, tagAt);
    if (bare !== null) return bare;
  }
  return null;
}

/** The last bare number of the title of a `[Group]` release: `[Doremi].Show.8.Go!.31.[…]` → 31. */
function lastBareNumber(ctx: EpisodeContext, limit: number): EpisodeInfo | null {
  const { name, tokens, bodyStart } = ctx;
  const spaced = name.includes(' ');
  let found: { start: number; end: number; first: number; last: number } | null = null;
  let firstOfTitle = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.start < bodyStart) continue;
    if (t.start >= limit) break;
    const before = name[t.start - 1] ?? '';
    if (!firstOfTitle && (before === '[' || before === '(' || before === '{')) break;
    const isFirst = firstOfTitle;
    firstOfTitle = false;
    if (isFirst || !/^\d{1,4}(?:v\d)?$/.test(t.lower) || isYear(t.lower)) continue;
    const after = name[t.end] ?? '';
    const prev = tokens[i - 1];
    const nextToken = tokens[i + 1];
    // `1.11`: a decimal when words are spaced.
    if (spaced && ((before === '.' && prev !== undefined && /^\d+$/.test(prev.lower)) || (after === '.' && nextToken !== undefined && /^\d+$/.test(nextToken.lower)))) continue;
    if (before === '-' && prev !== undefined && !/^\d+$/.test(prev.lower)) continue;
    if (after === '-' && nextToken !== undefined && /^\d{1,4}$/.test(nextToken.lower) && name[nextToken.end] !== '-') {
      found = { start: t.start, end: nextToken.end, first: Number.parseInt(t.lower, 10), last: Number(nextToken.lower) };
      i++;
      continue;
    }
    if (after === '-' && nextToken !== undefined) continue;
    found = { start: t.start, end: t.end, first: Number.parseInt(t.lower, 10), last: Number.parseInt(t.lower, 10) };
  }
  if (found === null) return null;
  // `Show 01 - 119`: a zero-padded first number and a range with spaces.
  const range = /^[ ]-[ ](\d{2,4})(?=[ ._[(]|$)/.exec(name.slice(found.end));
  if (range !== null && name[found.start] === '0') {
    return absolute(ctx, found.start, found.end + range[0].length, found.first, Number(range[1]));
  }
  return absolute(ctx, found.start, found.end, found.first, found.last);
}

function findSeason(ctx: EpisodeContext): EpisodeInfo | null {
  const { name, head, bodyStart } = ctx;
  const body = head.slice(bodyStart);
  const multi = MULTI_SEASON.exec(body);
  if (multi !== null) {
    const first = Number(multi[1] ?? multi[4]);
    const last = Number(multi[3] ?? multi[5]);
    const shaped = multi[4] !== undefined || multi[2] === 's' || multi[2] === 'S' || /^0\d$/.test(multi[1] ?? '');
    if (shaped && last > first) {
      const at = bodyStart + multi.index;
      const result = info('season', at, at + multi[0].length);
      result.season = first;
      result.fullSeason = true;
      result.multiSeason = true;
      return result;
    }
  }
  SEASON.lastIndex = bodyStart;
  for (let m = SEASON.exec(head); m !== null; m = SEASON.exec(head)) {
    const end = m.index + m[0].length;
    const result = info('season', m.index, end);
    result.season = Number(m[1] ?? m[2] ?? m[3]);
    result.fullSeason = true;
    const rest = name.slice(end);
    if (SEASON_EXTRA.test(rest)) result.seasonExtra = true;
    const part = SEASON_PART.exec(rest);
    if (part !== null) {
      result.fullSeason = false;
      result.seasonPart = Number(part[1]);
    }
    if (m.index === bodyStart && name.slice(end).trim() === '') return null;
    return result;
  }
  const series = SERIES_N.exec(body);
  if (series !== null) {
    const at = bodyStart + series.index;
    const result = info('season', at, at + series[0].length);
    result.season = Number(series[1]);
    result.fullSeason = true;
    return result;
  }
  return null;
}

function findMiniSeries(ctx: EpisodeContext): EpisodeInfo | null {
  const { name, bodyStart } = ctx;
  const body = name.slice(bodyStart);
  if (!/part|of/i.test(body)) return null;
  const part = PART.exec(body);
  if (part !== null && part.index > 0) {
    const after = body.slice(part.index + part[0].length);
    const before = body.slice(0, part.index);
    // `Movie.Part.2.2011`: a film in parts, not a mini-series.
    if (!/^[ ._]*\(?(?:19|20)\d\d(?![0-9])/.test(after) && !/(?:19|20)\d\d[ ._)]*$/.test(before)) {
      const n = part[1].toLowerCase();
      const at = bodyStart + part.index;
      const result = info('episode', at, at + part[0].length);
      result.season = 1;
      result.episodes = [WORD_NUMBERS[n] ?? Number(n)];
      return result;
    }
  }
  const of = N_OF_M.exec(body);
  if (of !== null && of.index > 0) {
    const at = bodyStart + of.index;
    const result = info('episode', at, at + of[0].length);
    result.season = 1;
    result.episodes = [Number(of[1])];
    return result;
  }
  return null;
}

function findBareNumbers(ctx: EpisodeContext): EpisodeInfo | null {
  const { name, bodyStart } = ctx;
  const tagAt = firstTagOffset(ctx);
  const body = name.slice(bodyStart);
  const pair = BARE_PAIR.exec(body);
  if (pair !== null && pair[1] === pair[3] && Number(pair[4]) > Number(pair[2])) {
    const at = bodyStart + pair.index;
    const result = info('episode', at, at + pair[0].length);
    result.season = Number(pair[1]);
    result.episodes = numberRange(Number(pair[2]), Number(pair[4]));
    return result;
  }
  for (const regex of [BARE_SIX, BARE_FIVE]) {
    const m = regex.exec(body);
    if (m !== null && Number(m[3]) > Number(m[2]) && bodyStart + m.index <= tagAt) {
      const at = bodyStart + m.index;
      const result = info('episode', at, at + m[0].length);
      result.season = Number(m[1]);
      result.episodes = numberRange(Number(m[2]), Number(m[3]));
      return result;
    }
  }
  BARE_SEASON_EPISODE.lastIndex = 0;
  for (let m = BARE_SEASON_EPISODE.exec(body); m !== null; m = BARE_SEASON_EPISODE.exec(body)) {
    const text = m[1] + m[2];
    if (isYear(text) || m.index === 0) continue;
    const at = bodyStart + m.index;
    const end = at + text.length;
    const terminal = /^[ ._-]*$/.test(name.slice(end)) && name[at - 1] === '-';
    if (at > tagAt && !terminal) continue;
    // `Fahrenheit 451 (2018)`: a number followed by the year belongs to a film title.
    if (/^[ ._]*[([]?(?:19|20)\d\d(?![0-9])/.test(name.slice(end))) continue;
    // `Abc 484 VOSTFR`: an anime episode.
    if (/^[ ._]+(?:vostfr|vf)(?![a-z])/i.test(name.slice(end))) return absolute(ctx, at, end, Number(text), Number(text));
    const result = info('episode', at, end);
    result.season = Number(m[1]);
    result.episodes = [Number(m[2])];
    return result;
  }
  const headBody = ctx.head.slice(bodyStart);
  BARE_ABSOLUTE.lastIndex = 0;
  for (let m = BARE_ABSOLUTE.exec(headBody); m !== null; m = BARE_ABSOLUTE.exec(headBody)) {
    const at = bodyStart + m.index;
    const end = at + m[0].length;
    if (at > tagAt || m.index === 0) continue;
    const isRange = m[2] !== undefined;
    if (!isRange && (m[1].length !== 2 || isYear(m[1]))) continue;
    const rest = name.slice(end);
    const gap = leadingSeparators(rest);
    const ends = rest.trim() === '' || (isRange && /^[ ._]*[[(]/.test(rest)) || (gap > 0 && isTagAt(ctx, end + gap));
    if (!ends) continue;
    const first = Number(m[1]);
    return absolute(ctx, at, end, first, isRange ? Number(m[2]) : first);
  }
  return null;
}

/** Episode numbering of a release name, or null for a movie. */
export function parseEpisode(input: Omit<EpisodeContext, 'head'>): EpisodeInfo | null {
  const ctx: EpisodeContext = {
    name: input.name,
    head: input.name.slice(0, qualityLimit(input)),
    bodyStart: input.bodyStart,
    prefixed: input.prefixed,
    tokens: input.tokens,
    tags: input.tags,
  };
  const { name, bodyStart, prefixed } = ctx;
  if (onlyYears(ctx.head, bodyStart) && !TRAILING_NUMBER.test(name)) return null;
  const standard = findStandard(name, bodyStart, ctx.head.length);
  const daily = findDaily(standard === null ? ctx.head : name.slice(0, standard.index), bodyStart);

  if (daily !== null && (standard === null || daily.index < standard.index)) {
    const gap = standard === null ? '' : name.slice(daily.end, standard.index);
    if (standard === null || !/^[ ._-]{1,3}$/.test(gap)) {
      const result = info('daily', daily.index, daily.end);
      result.airDate = daily.date;
      const part = DAILY_PART.exec(name.slice(daily.end));
      if (part !== null) {
        result.dailyPart = Number(part[1]);
        result.markerEnd += part[0].length;
      }
      return result;
    }
    // `Title 2016 02 25 S20E142`: the date is part of the name, the episode wins.
    const result = info('episode', daily.index, standard.end);
    result.season = standard.season;
    result.episodes = standard.episodes;
    return result;
  }

  if (standard !== null) {
    const result = info('episode', standard.index, standard.end);
    result.season = standard.season;
    result.episodes = standard.episodes;
    const cap = CAPITULO.exec(name);
    if (cap !== null) {
      result.season = Number(cap[1]);
      result.episodes = [Number(cap[2])];
    }
    const rest = name.slice(standard.end);
    const paren = AFTER_STANDARD_PAREN_ABSOLUTE.exec(rest);
    const bare = AFTER_STANDARD_ABSOLUTE.exec(rest);
    const after = paren ?? (bare !== null && (prefixed || /^0\d{2}/.test(bare[1])) ? bare : null);
    if (after !== null) {
      const [first, last] = runBounds(Number(after[1]), after[2]);
      result.absoluteEpisodes = numberRange(first, last);
      result.kind = 'anime';
    } else if (prefixed) {
      const before = BEFORE_STANDARD_ABSOLUTE.exec(name.slice(bodyStart, standard.index));
      if (before !== null && !isYear(before[1])) {
        result.absoluteEpisodes = [Number(before[1])];
        result.titleEnd = bodyStart + before.index;
        result.kind = 'anime';
      }
    }
    return result;
  }

  const start = START_SEASON_EPISODE.exec(ctx.head.slice(bodyStart));
  if (start !== null) {
    const result = info('episode', bodyStart, bodyStart + start[0].length);
    result.season = Number(start[1]);
    result.episodes = [Number(start[2])];
    return result;
  }

  const cap = CAPITULO.exec(name);
  if (cap !== null) {
    const temporada = /[ ._-]*temporada/i.exec(name);
    const result = info('episode', temporada?.index ?? cap.index, cap.index + cap[0].length);
    result.season = Number(cap[1]);
    result.episodes = [Number(cap[2])];
    return result;
  }

  const multiSeason = MULTI_SEASON.exec(ctx.head.slice(bodyStart));
  if (multiSeason !== null) {
    const season = findSeason(ctx);
    if (season?.multiSeason) return season;
  }

  const absoluteInfo = findAbsolute(ctx);
  if (absoluteInfo !== null) return withSeasonFromTitle(name, absoluteInfo, bodyStart);

  const mini = findMiniSeries(ctx);
  const season = findSeason(ctx);
  if (season !== null && (mini === null || season.titleEnd <= mini.titleEnd)) return season;
  if (mini !== null) return mini;

  return findBareNumbers(ctx);
}

/** `Title (Season 2) - 33`: the season written in the title of an anime release. */
function withSeasonFromTitle(name: string, result: EpisodeInfo, bodyStart: number): EpisodeInfo {
  const title = name.slice(bodyStart, result.titleEnd);
  const m = SEASON_IN_TITLE.exec(title);
  if (m !== null) {
    result.season = Number(m[1]);
    result.titleEnd = bodyStart + m.index;
  }
  return result;
}

/** Offset of the first resolution, source or codec tag after the first word of the title. */
function qualityLimit(ctx: Omit<EpisodeContext, 'head'>): number {
  const { tokens, tags, bodyStart, name } = ctx;
  let first = true;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].start < bodyStart) continue;
    if (first) {
      first = false;
      continue;
    }
    if (tags.kinds[i] === Kind.Quality) return tokens[i].start;
  }
  return name.length;
}

/**
 * True when every number in the title part is a year standing on its own (`The.Matrix.1999.`):
 * then no numbering form can match and a movie is parsed without trying them.
 */
function onlyYears(head: string, from: number): boolean {
  for (let i = from; i < head.length; ) {
    const c = head.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    let end = i;
    while (end < head.length && head.charCodeAt(end) >= 48 && head.charCodeAt(end) <= 57) end++;
    const before = i > 0 ? head[i - 1] : ' ';
    const after = end < head.length ? head[end] : ' ';
    if (end - i !== 4 || !isYear(head.slice(i, end)) || /[a-z0-9#{]/i.test(before) || /[a-z0-9]/i.test(after)) return false;
    i = end;
  }
  return !/part|cap\.|\dof\d/i.test(head);
}
