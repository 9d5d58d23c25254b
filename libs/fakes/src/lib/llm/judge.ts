/**
 * The fake model's judgement: a few deterministic rules over scene-style release names, so that
 * tests see verdicts a competent small model would give (and the same ones every run). It is
 * written independently of `@sokoul/release-parser` on purpose: a fake that shared the client's
 * parser would agree with the client's bugs.
 */

/** What was asked for, as the client sends it. */
export interface FakeLlmWanted {
  readonly kind: 'movie' | 'series';
  readonly title: string;
  readonly year: number | null;
  readonly season: number | null;
  readonly episode: number | null;
}

/** One release to judge, as the client sends it (`n` is 1-based and unique within a request). */
export interface FakeLlmRelease {
  readonly n: number;
  readonly title: string;
  readonly sizeBytes?: number | null;
  readonly quality?: string | null;
}

export type FakeLlmVerdict = 'match' | 'mismatch' | 'uncertain';

export interface FakeLlmJudgement {
  readonly verdict: FakeLlmVerdict;
  /** 0 … 1; a custom judge may return anything, to test how the client copes. */
  readonly confidence: number;
  readonly reasons: readonly string[];
}

export type FakeLlmJudge = (wanted: FakeLlmWanted, release: FakeLlmRelease) => FakeLlmJudgement;

const YEAR = /^(19|20)\d{2}$/;
const RESOLUTIONS = new Set(['480p', '576p', '720p', '1080p', '1080i', '2160p', '4320p', '4k', 'uhd']);
const SOURCES = new Set([
  'bluray', 'bdrip', 'brrip', 'bdremux', 'remux', 'web', 'webrip', 'webdl', 'dl', 'hdtv', 'pdtv', 'sdtv', 'dvdrip', 'dvd', 'dvd5', 'dvd9',
  'hdrip', 'amzn', 'nf', 'dsnp', 'hmax', 'atvp', 'hulu', 'x264', 'x265', 'h264', 'h265', 'hevc', 'avc', 'xvid', 'hdr', 'hdr10', 'dv', 'proper', 'repack',
]);
/** Recordings made in a cinema: never what anyone asked for. */
const CAM = new Set(['cam', 'camrip', 'hdcam', 'ts', 'hdts', 'telesync', 'tc', 'hdtc', 'telecine']);
/** Not `.ts`: in a release name "TS" is a telesync tag far more often than an extension. */
const VIDEO_EXTENSIONS = /\.(mkv|mp4|avi|m4v|wmv)$/i;
/** Names that are not videos at all: the usual malware bait on public trackers. */
const EXECUTABLE = /\.(exe|scr|bat|cmd|msi|lnk|vbs|jar)(\b|$)/i;

/** Lower case, accents stripped, `&` read as "and", apostrophes dropped, all other punctuation a space. */
export function normaliseTitle(text: string): string {
  return words(text).join(' ');
}

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** A release name cut into what a reader of scene names sees in it. */
interface ReadName {
  /** The title part, normalised: the words before the first year, SxxEyy, resolution or source tag. */
  readonly title: string;
  readonly year?: number;
  readonly season?: number;
  /** Episodes named (several for a multi-episode file); empty for a season pack. */
  readonly episodes: readonly number[];
  readonly hasQualityTags: boolean;
  readonly cam: boolean;
}

function episodeMarker(token: string): { season: number; episodes: number[] } | undefined {
  const sxe = token.match(/^s(\d{1,2})((?:e\d{1,3})*)$/);
  if (sxe?.[1] !== undefined) {
    const episodes = [...(sxe[2] ?? '').matchAll(/e(\d{1,3})/g)].map((match) => Number(match[1]));
    return { season: Number(sxe[1]), episodes };
  }
  const cross = token.match(/^(\d{1,2})x(\d{2,3})$/);
  if (cross?.[1] !== undefined) return { season: Number(cross[1]), episodes: [Number(cross[2])] };
  return undefined;
}

function isMarker(token: string, next: string | undefined): boolean {
  return (
    YEAR.test(token) ||
    episodeMarker(token) !== undefined ||
    (token === 'season' && next !== undefined && /^\d{1,2}$/.test(next)) ||
    RESOLUTIONS.has(token) ||
    SOURCES.has(token) ||
    CAM.has(token)
  );
}

/**
 * Reads a release name. When it starts with the wanted title, markers are looked for only after
 * it, so titles that contain a year or a tag ("1917", "Blade Runner 2049") are not cut short.
 */
function readName(name: string, wantedWords: readonly string[]): ReadName {
  let raw = name.trim().replace(VIDEO_EXTENSIONS, '');
  // The release group after the last dash ("...x264-SPARKS"), only in a dotted or spaced name so "Spider-Man" stays whole.
  const group = raw.match(/^(.*[.\s_].*)-[A-Za-z0-9]{2,}$/);
  if (group?.[1] !== undefined) raw = group[1];
  const tokens = words(raw);

  const startsWithWanted = wantedWords.length > 0 && wantedWords.every((word, index) => tokens[index] === word);
  let end = tokens.length;
  for (let index = startsWithWanted ? wantedWords.length : 1; index < tokens.length; index += 1) {
    if (isMarker(tokens[index] as string, tokens[index + 1])) {
      end = index;
      break;
    }
  }

  let year: number | undefined;
  let season: number | undefined;
  const episodes: number[] = [];
  let hasQualityTags = false;
  let cam = false;
  const rest = tokens.slice(end);
  for (const [index, token] of rest.entries()) {
    const next = rest[index + 1];
    if (year === undefined && YEAR.test(token)) year = Number(token);
    const marker = episodeMarker(token);
    if (marker && season === undefined) {
      season = marker.season;
      episodes.push(...marker.episodes);
      // "S01E03-E04": a second episode in the next token.
      const more = next?.match(/^e(\d{1,3})$/);
      if (more?.[1] !== undefined) episodes.push(Number(more[1]));
    }
    if (token === 'season' && season === undefined && next !== undefined && /^\d{1,2}$/.test(next)) season = Number(next);
    if (RESOLUTIONS.has(token) || SOURCES.has(token)) hasQualityTags = true;
    if (CAM.has(token)) cam = true;
  }
  return { title: tokens.slice(0, end).join(' '), year, season, episodes, hasQualityTags, cam };
}

const withoutArticle = (title: string): string => title.replace(/^the /, '');
const pad = (value: number): string => String(value).padStart(2, '0');

function mismatch(confidence: number, reason: string): FakeLlmJudgement {
  return { verdict: 'mismatch', confidence, reasons: [reason] };
}

/**
 * The default judge: mismatch for bait (executables, passwords, a RAR posing as a film), cam
 * recordings, another title, a year more than one off, another season or episode; uncertain
 * when the title matches but the name says nothing else; match otherwise.
 */
export const defaultLlmJudge: FakeLlmJudge = (wanted, release) => {
  const name = release.title;
  if (EXECUTABLE.test(name)) return mismatch(0.97, 'The file is an executable, not a video: likely malware.');
  if (/password/i.test(name)) return mismatch(0.96, 'The name asks for a password, a common scam.');
  if (wanted.kind === 'movie' && /\.rar(\b|$)/i.test(name)) return mismatch(0.95, 'A RAR archive posing as a film: likely a scam.');

  const wantedTitle = normaliseTitle(wanted.title);
  const read = readName(name, wantedTitle.split(' ').filter(Boolean));
  if (read.cam) return mismatch(0.95, 'Cam recording, not a real release.');
  if (withoutArticle(read.title) !== withoutArticle(wantedTitle)) {
    return mismatch(0.9, `The release is "${read.title}", not "${wantedTitle}".`);
  }
  if (wanted.year !== null && read.year !== undefined && Math.abs(read.year - wanted.year) > 1) {
    return mismatch(0.88, `Released in ${read.year}, not ${wanted.year}.`);
  }

  const reasons = [`The title matches "${wanted.title}".`];
  if (read.year !== undefined && wanted.year !== null) reasons.push(`The year ${read.year} fits ${wanted.year}.`);

  if (wanted.kind === 'movie') {
    if (read.season !== undefined) return mismatch(0.9, 'An episode of a series, not a film.');
    if (read.year === undefined && !read.hasQualityTags) {
      return { verdict: 'uncertain', confidence: 0.5, reasons: ['The title matches, but the name gives no year and no quality to tell which film this is.'] };
    }
    return { verdict: 'match', confidence: read.year !== undefined && read.hasQualityTags ? 0.93 : 0.86, reasons };
  }

  if (read.season === undefined) {
    if (wanted.season === null) return { verdict: 'match', confidence: 0.8, reasons };
    return { verdict: 'uncertain', confidence: 0.5, reasons: ['The title matches, but the name does not say which season or episode it holds.'] };
  }
  if (wanted.season !== null && read.season !== wanted.season) return mismatch(0.92, `Season ${read.season}, not season ${wanted.season}.`);
  if (wanted.episode !== null) {
    if (read.episodes.length === 0) {
      reasons.push(`A full-season pack of season ${read.season}, which includes episode ${wanted.episode}.`);
      return { verdict: 'match', confidence: 0.85, reasons };
    }
    const first = read.episodes[0] as number;
    const last = read.episodes[read.episodes.length - 1] as number;
    if (wanted.episode < first || wanted.episode > last) {
      const named = read.episodes.map((episode) => `S${pad(read.season as number)}E${pad(episode)}`).join(', ');
      return mismatch(0.92, `Episode ${named}, not S${pad(read.season)}E${pad(wanted.episode)}.`);
    }
    reasons.push(`Season ${read.season}, episode ${wanted.episode}, as asked.`);
    return { verdict: 'match', confidence: 0.92, reasons };
  }
  if (wanted.season !== null && read.episodes.length > 0) {
    return mismatch(0.85, `A single episode, not the whole of season ${wanted.season}.`);
  }
  return { verdict: 'match', confidence: 0.9, reasons };
};
