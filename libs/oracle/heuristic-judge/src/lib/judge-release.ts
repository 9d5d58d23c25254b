/**
 * The oracle's fallback judge, for when no model is configured or the model does not answer:
 * is this release really the film or episode that was asked for, and one worth having?
 *
 * Built on what the shared libraries already know (the parser's reading of the name,
 * `matchReleaseToMedia`'s title, year and episode comparison, `rankRelease`'s film-or-episode
 * check), it adds what they lack: signs of a fake in the name, pre-release copies called out as
 * unwanted rather than merely unranked, sizes that no honest release of the claimed quality has,
 * a film's alternative titles (`X AKA Y`), and a confidence that says how much the name
 * actually confirms. Pure and deterministic: no I/O, no clock, no state.
 */
import { type ParsedRelease, parseReleaseTitle } from '@sokoul/release-parser';
import { DEFAULT_QUALITY_PROFILE, type MediaMatch, PRE_RELEASE_QUALITIES, matchReleaseToMedia, rankRelease } from '@sokoul/release-ranking';
import { fakeMarkers } from './fake-markers';
import { checkSize } from './plausible-sizes';

export type Verdict = 'match' | 'mismatch' | 'uncertain';

/**
 * Structurally `Media` from @sokoul/contracts (a util lib may not import contracts: see
 * docs/adr/0002-module-boundaries.md); a `Media` is assignable to it as it is.
 */
export interface WantedMedia {
  kind: 'movie' | 'series';
  title: string;
  year: number | null;
  season: number | null;
  episode: number | null;
}

export interface CandidateRelease {
  title: string;
  /** 0 when the indexer did not say: the size is then not judged. */
  sizeBytes: number;
}

export interface Judgement {
  verdict: Verdict;
  /** 0…1: how sure the judge is of its verdict. Lower than a good model's: it reads only the name. */
  confidence: number;
  /** 1…8 short English sentences, each at most 500 characters, the weightiest first. */
  reasons: string[];
}

/**
 * The weight of each finding. A mismatch's confidence is its strongest finding's, plus a little
 * for each further one; an `uncertain` verdict takes its strongest doubt's.
 */
export const JUDGE_CONFIDENCE = Object.freeze({
  fake: 0.95,
  wrongKind: 0.9,
  wrongTitle: 0.9,
  wrongSeason: 0.9,
  wrongEpisode: 0.9,
  wrongYear: 0.85,
  preRelease: 0.8,
  tooSmall: 0.7,
  /** A series release that names no season when one was asked for: a complete-series pack, or not. */
  noSeasonNamed: 0.5,
  tooLarge: 0.5,
  /** Air-date or absolute numbering, when a season and episode were asked for. */
  numberingUnverifiable: 0.45,
  /** Only the title agrees: the name gives no year, episode or quality. */
  onlyTitle: 0.4,
  nothingToCompare: 0.2,
  /** Added to a mismatch's confidence per finding beyond the first. */
  perExtraMismatch: 0.02,
  maxMismatch: 0.95,
});

/**
 * A match's confidence: what the name confirms, added up. Title, year or episode, quality and a
 * plausible size make 0.85; the title alone (0.55) is below `threshold` and judged uncertain.
 */
export const MATCH_CONFIDENCE = Object.freeze({
  titleAgrees: 0.55,
  identityConfirmed: 0.15,
  qualityNamed: 0.1,
  sizePlausible: 0.05,
  threshold: 0.6,
});

const MAX_REASONS = 8;
const MAX_REASON_LENGTH = 500;

interface Finding {
  readonly verdict: 'mismatch' | 'uncertain';
  readonly confidence: number;
  readonly reason: string;
}

/** What was read from the name while judging: doubts and refusals, and what it confirms. */
interface Reading {
  readonly findings: Finding[];
  readonly notes: string[];
  identityConfirmed: boolean;
  qualityNamed: boolean;
  sizePlausible: boolean;
}

const MATCH_CODES: Readonly<Record<Exclude<MediaMatch, { ok: true }>['code'], { label: string; confidence: number }>> = {
  'wrong-title': { label: 'Wrong title', confidence: JUDGE_CONFIDENCE.wrongTitle },
  'wrong-year': { label: 'Wrong year', confidence: JUDGE_CONFIDENCE.wrongYear },
  'wrong-season': { label: 'Wrong season', confidence: JUDGE_CONFIDENCE.wrongSeason },
  'wrong-episode': { label: 'Wrong episode', confidence: JUDGE_CONFIDENCE.wrongEpisode },
};

export function judgeRelease(wanted: WantedMedia | null, release: CandidateRelease): Judgement {
  const parsed = parseReleaseTitle(release.title);
  const reading: Reading = { findings: [], notes: [], identityConfirmed: false, qualityNamed: false, sizePlausible: false };

  const fakes = fakeMarkers(release.title);
  for (const reason of fakes) reading.findings.push({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.fake, reason });
  if (wanted !== null) readIdentity(wanted, release.title, parsed, reading);
  // A fake's claimed quality means nothing (and `.scr` reads as a screener): no more to say.
  if (fakes.length === 0) readQuality(parsed, release.sizeBytes, wanted?.kind === 'series' || parsed.kind !== 'movie', reading);

  return conclude(wanted, reading);
}

function readIdentity(wanted: WantedMedia, title: string, parsed: ParsedRelease, reading: Reading): void {
  if (wanted.kind === 'movie') {
    // `rankRelease` owns the film-or-episode check; a profile is needed, its qualities are not read here.
    const ranking = rankRelease({ title, parsed, sizeBytes: 0, seeders: null }, DEFAULT_QUALITY_PROFILE, { kind: 'movie' });
    const wrongKind = ranking.rejections.find((rejection) => rejection.code === 'wrong-kind');
    if (wrongKind !== undefined) {
      reading.findings.push({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.wrongKind, reason: `Wrong kind: ${lowerFirst(wrongKind.detail)}` });
    }
  }

  const { match, alternative } = matchTitle(wanted, title, parsed);
  if (!match.ok) {
    if (match.code === 'wrong-season' && parsed.season === null) {
      reading.notes.push(`The title agrees with ${wanted.title}.`);
      reading.findings.push({
        verdict: 'uncertain',
        confidence: JUDGE_CONFIDENCE.noSeasonNamed,
        reason: `${match.reason}: it may be a complete-series pack, or something else.`,
      });
    } else {
      const { label, confidence } = MATCH_CODES[match.code];
      reading.findings.push({ verdict: 'mismatch', confidence, reason: `${label}: ${match.reason}` });
    }
    return;
  }

  reading.notes.push(
    alternative === null ? `The title agrees with ${wanted.title}.` : `Its alternative title "${alternative}" agrees with ${wanted.title}.`,
  );
  if (wanted.kind === 'series' && wanted.season !== null) readNumbering(wanted, wanted.season, parsed, reading);
  else readYear(wanted, parsed, reading);
}

/**
 * `matchReleaseToMedia` compares the parsed title as a whole, so `Amelie AKA Le Fabuleux Destin…`
 * is not `Amélie`. A film's alternative titles get their own comparison.
 */
function matchTitle(wanted: WantedMedia, title: string, parsed: ParsedRelease): { match: MediaMatch; alternative: string | null } {
  const match = matchReleaseToMedia(title, wanted);
  if (match.ok || match.code !== 'wrong-title' || wanted.kind !== 'movie') return { match, alternative: null };
  for (const alternative of parsed.alternativeTitles) {
    const named = parsed.year === null ? alternative : `${alternative} ${parsed.year}`;
    const alternativeMatch = matchReleaseToMedia(named, wanted);
    if (alternativeMatch.ok || alternativeMatch.code !== 'wrong-title') return { match: alternativeMatch, alternative };
  }
  return { match, alternative: null };
}

function readYear(wanted: WantedMedia, parsed: ParsedRelease, reading: Reading): void {
  if (wanted.year === null) return;
  if (parsed.year === null) {
    reading.notes.push(`The name gives no year to tell ${wanted.title} (${wanted.year}) from a remake or namesake.`);
    return;
  }
  reading.identityConfirmed = true;
  reading.notes.push(
    parsed.year === wanted.year
      ? `The year ${parsed.year} agrees.`
      : `The year ${parsed.year} is one off ${wanted.year}, as festival and theatrical release years often are.`,
  );
}

/** `matchReleaseToMedia` has refused wrong seasons and episodes already: what is left confirms, or cannot. */
function readNumbering(wanted: WantedMedia, season: number, parsed: ParsedRelease, reading: Reading): void {
  const asked = wanted.episode === null ? `season ${season}` : episodeCode(season, [wanted.episode]);
  if (parsed.season === null) {
    const numbering = parsed.airDate !== null ? `by air date (${parsed.airDate})` : `by absolute number (${parsed.absoluteEpisodes.join(', ')})`;
    reading.findings.push({
      verdict: 'uncertain',
      confidence: JUDGE_CONFIDENCE.numberingUnverifiable,
      reason: `It is numbered ${numbering}; whether that is ${asked} cannot be told without the series' episode list.`,
    });
    return;
  }
  if (parsed.multiSeason) {
    reading.notes.push(`It is a pack of several seasons from season ${parsed.season}; the name does not show it holds ${asked}.`);
    return;
  }
  if (parsed.fullSeason) {
    reading.identityConfirmed = true;
    reading.notes.push(wanted.episode === null ? `It is season ${season} whole.` : `It is the whole of season ${season}, which holds ${asked}.`);
    return;
  }
  if (parsed.episodes.length === 0) return;
  reading.identityConfirmed = true;
  const held = episodeCode(parsed.season, parsed.episodes);
  if (wanted.episode === null) reading.notes.push(`It is ${held}: part of season ${season}, not all of it.`);
  else reading.notes.push(parsed.episodes.length === 1 ? `It is ${held}.` : `It is ${held}, which holds ${asked}.`);
}

const PRE_RELEASE_SOURCES: Readonly<Partial<Record<NonNullable<ParsedRelease['source']>, string>>> = {
  cam: 'a cam recording, filmed in a cinema with a camera',
  telesync: 'a telesync, filmed in a cinema with the sound from a direct feed',
  telecine: 'a telecine, scanned from a cinema print',
  workprint: 'a workprint, an unfinished pre-release cut',
};

function readQuality(parsed: ParsedRelease, sizeBytes: number, asSeries: boolean, reading: Reading): void {
  const preRelease =
    (parsed.source !== null ? PRE_RELEASE_SOURCES[parsed.source] : undefined) ??
    (parsed.modifier === 'screener' ? 'a screener, a pre-release copy sent to critics and often watermarked' : undefined) ??
    (PRE_RELEASE_QUALITIES.has(parsed.quality) ? 'a pre-release copy' : undefined);
  if (preRelease !== undefined) {
    reading.findings.push({
      verdict: 'mismatch',
      confidence: JUDGE_CONFIDENCE.preRelease,
      reason: `The name says ${parsed.quality}: ${preRelease}; it may well be the film, but not a copy anyone wants to keep.`,
    });
    return; // Its size says nothing more: the quality alone rules it out.
  }
  if (parsed.resolution !== null && parsed.quality !== 'Unknown') {
    reading.qualityNamed = true;
    reading.notes.push(`The name gives its quality: ${parsed.quality}.`);
  } else {
    reading.notes.push('The name gives no resolution, so its quality is unknown.');
  }

  const size = checkSize(parsed, sizeBytes, asSeries);
  switch (size.verdict) {
    case 'unknown':
      return;
    case 'too-small':
      reading.findings.push({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.tooSmall, reason: size.detail });
      return;
    case 'too-large':
      reading.findings.push({ verdict: 'uncertain', confidence: JUDGE_CONFIDENCE.tooLarge, reason: size.detail });
      return;
    case 'plausible':
      reading.sizePlausible = size.resolutionKnown;
      reading.notes.push(size.detail);
  }
}

function conclude(wanted: WantedMedia | null, reading: Reading): Judgement {
  const mismatches = byConfidence(reading.findings.filter((finding) => finding.verdict === 'mismatch'));
  const doubts = byConfidence(reading.findings.filter((finding) => finding.verdict === 'uncertain'));
  const said = (...first: string[]): string[] => [...first, ...mismatches.map((f) => f.reason), ...doubts.map((f) => f.reason), ...reading.notes];

  if (mismatches.length > 0) {
    const confidence = Math.min(
      JUDGE_CONFIDENCE.maxMismatch,
      mismatches[0].confidence + JUDGE_CONFIDENCE.perExtraMismatch * (mismatches.length - 1),
    );
    return judgement('mismatch', confidence, said());
  }
  if (wanted === null) {
    const nothing = 'There is nothing to compare against: no film or episode was given, so only the quality was checked.';
    return judgement('uncertain', Math.max(JUDGE_CONFIDENCE.nothingToCompare, ...doubts.map((f) => f.confidence)), [
      ...doubts.map((f) => f.reason),
      nothing,
      ...reading.notes,
    ]);
  }
  if (doubts.length > 0) return judgement('uncertain', doubts[0].confidence, said());

  const confidence =
    MATCH_CONFIDENCE.titleAgrees +
    (reading.identityConfirmed ? MATCH_CONFIDENCE.identityConfirmed : 0) +
    (reading.qualityNamed ? MATCH_CONFIDENCE.qualityNamed : 0) +
    (reading.sizePlausible ? MATCH_CONFIDENCE.sizePlausible : 0);
  if (confidence < MATCH_CONFIDENCE.threshold) {
    return judgement('uncertain', JUDGE_CONFIDENCE.onlyTitle, said('Only the title agrees: the name gives too little else to confirm it.'));
  }
  return judgement('match', confidence, said());
}

/** Strongest first; equal ones keep the order they were found in (`sort` is stable). */
function byConfidence(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => b.confidence - a.confidence);
}

function judgement(verdict: Verdict, confidence: number, reasons: readonly string[]): Judgement {
  return {
    verdict,
    confidence: Math.round(confidence * 100) / 100,
    reasons: reasons.slice(0, MAX_REASONS).map(sentence),
  };
}

/** One printable sentence within the length limit: names come from strangers and may hold anything. */
function sentence(text: string): string {
  const clean = text
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const ended = /[.!?…]$/u.test(clean) ? clean : `${clean}.`;
  if (ended.length <= MAX_REASON_LENGTH) return ended;
  // Cut on a code point boundary, never inside a surrogate pair; the limit counts UTF-16 units.
  let cut = '';
  for (const codePoint of ended) {
    if (cut.length + codePoint.length > MAX_REASON_LENGTH - 1) break;
    cut += codePoint;
  }
  return `${cut}…`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function episodeCode(season: number, episodes: readonly number[]): string {
  return `S${pad(season)}${episodes.map((episode) => `E${pad(episode)}`).join('-')}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
