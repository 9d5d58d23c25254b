/**
 * Clean titles as the two upstream parsers give them. Sonarr (series): dots and underscores to
 * spaces, `?` dropped, everything else as written. Radarr (movies): the same, but acronyms keep
 * their dots (`R.I.P.D.`, `V.H.S. 2`, `Dr. Dolittle`), and `AKA` titles are split.
 */

const TRAILING = /[\s\-[({~_.,]+$/;
const LEADING = /^[\s\-_.,]+/;
const TRAILING_CODEC = /[ -](?:x264|h264|x265|h265|xvid)$/i;

/** Sonarr's series title. */
export function cleanSeriesTitle(text: string): string {
  let title = text.replace(/[._]/g, ' ').replace(/\?/g, '');
  title = title.replace(TRAILING, '').replace(LEADING, '');
  title = title.replace(TRAILING_CODEC, '').replace(TRAILING, '');
  return title;
}

const SINGLE_LETTER = /^[A-Za-z]$/;
const ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'st', 'jr', 'sr', 'vs']);

/** Dots to spaces, keeping the dots of acronyms and abbreviations. */
function replaceDots(text: string): string {
  if (!text.includes('.')) return text;
  const parts = text.split('.');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const isLast = i === parts.length - 1;
    const single = SINGLE_LETTER.test(part);
    const inAcronym =
      single && ((i + 1 < parts.length && SINGLE_LETTER.test(parts[i + 1])) || (i > 0 && SINGLE_LETTER.test(parts[i - 1]) && acronymBefore(parts, i)));
    if (inAcronym) {
      out += `${part}.`;
      const nextIsLetter = i + 1 < parts.length && SINGLE_LETTER.test(parts[i + 1]);
      if (!nextIsLetter && !isLast && parts[i + 1] !== '') out += ' ';
      continue;
    }
    if (ABBREVIATIONS.has(part.toLowerCase()) && !isLast && /^[A-Z]/.test(parts[i + 1] ?? '')) {
      out += `${part}. `;
      continue;
    }
    out += part;
    if (!isLast) out += ' ';
  }
  return out;
}

/** Is parts[i] (a single letter) the end of a run of at least two single letters? */
function acronymBefore(parts: readonly string[], i: number): boolean {
  return i > 0 && SINGLE_LETTER.test(parts[i - 1]);
}

export interface MovieTitle {
  readonly title: string;
  readonly alternativeTitles: readonly string[];
}

const AKA_DOTTED = /\ba\.k\.a\.?(?=\s|$)/gi;
const AKA = /(?:^|\s)\(?aka\s/i;

/** Radarr's movie title. */
export function cleanMovieTitle(text: string): MovieTitle {
  let title = replaceDots(text.replace(/_/g, ' ').replace(AKA_DOTTED, 'AKA'));
  // Trailing separators go, and a lone trailing dot (`Kimi no Na wa.`), but not the last dot of
  // an acronym (`U.N.C.L.E.`).
  for (let previous = ''; previous !== title; ) {
    previous = title;
    title = title.replace(TRAILING_MOVIE, '').replace(LONE_TRAILING_DOT, '');
  }
  title = title.replace(LEADING, '');
  return { title, alternativeTitles: alternativeTitles(title) };
}

const TRAILING_MOVIE = /[\s\-[({~_,]+$/;
const LONE_TRAILING_DOT = /(?<!(?:^|[.\s])[A-Za-z])\.$/;

function alternativeTitles(title: string): string[] {
  const aka = AKA.exec(title);
  if (aka !== null && aka.index > 0) {
    const left = title.slice(0, aka.index).trim();
    const right = title.slice(aka.index + aka[0].length).replace(/\)\s*$/, '').trim();
    if (left !== '' && right !== '') return [left, right];
  }
  const slash = title.indexOf(' / ');
  if (slash > 0) {
    const left = title.slice(0, slash).trim();
    const right = title.slice(slash + 3).trim();
    if (left !== '' && right !== '') return [left, right];
  }
  return [];
}
