/**
 * Ranking releases against a quality profile: every candidate gets a score explained line by
 * line, and the reasons it would be refused. Radarr's decision engine (specifications that
 * reject, a comparer that orders) folded into one number a user can read.
 *
 * The score is built in bands, each larger than everything below it can add up to, so that a
 * band decides before the next is looked at:
 *
 *   quality           (allowed qualities − position) × Q       the profile's order
 *   preferred terms   Σ score × 1000                           like custom-format scores
 *   revision          min(9, version − 1 + REAL count) × 100   PROPER, REPACK, v2, REAL
 *   tie-breakers      0–95                                     seeders, freeleech, indexer priority,
 *                                                              the asked episode alone
 *
 * Q is 1000 × the smallest power of ten above the sum of the profile's |preferred scores|, so a
 * better quality outranks a worse one whatever their terms, revisions and seeders.
 */
import type { Language, ParsedRelease, QualityName } from '@sokoul/release-parser';
import type { QualityProfile } from './quality-profile';
import { type CompiledTerm, type TitleTokens, compileTerm, matchesTerm, tokenizeTitle } from './title-tokens';
import { PRE_RELEASE_QUALITIES } from './vocabulary';

/** A release found by an indexer, parsed once, ready to be ranked against any profile. */
export interface ReleaseCandidate {
  readonly title: string;
  readonly parsed: ParsedRelease;
  /** 0 when the indexer did not say: size limits are then not applied. */
  readonly sizeBytes: number;
  /** `null` when unknown (usenet): neither scored nor held against `minSeeders`. */
  readonly seeders: number | null;
  readonly peers?: number | null;
  /** Prowlarr-style priority, 1 (preferred) to 50. */
  readonly indexerPriority?: number;
  readonly freeleech?: boolean;
  readonly publishedAt?: Date;
  readonly blocklisted?: boolean;
  /** `tokenizeTitle(title)`, when the caller keeps candidates to rank them again. */
  readonly tokens?: TitleTokens;
}

/** What was asked for. Every field is optional; a check runs only when its field is given. */
export interface RankingContext {
  readonly kind?: 'movie' | 'series';
  /** Named in explanations. */
  readonly title?: string;
  /** A film's year; releases a year off are accepted (festival and theatrical years differ). */
  readonly year?: number;
  readonly season?: number;
  readonly episode?: number;
  /** Episodes in the asked season: turns a season pack's size into a size per episode. */
  readonly episodesInSeason?: number;
  /** Assumed when a title names no language; English when not given. */
  readonly originalLanguage?: Language;
}

export type ReasonCode = 'quality' | 'preferred-term' | 'revision' | 'seeders' | 'freeleech' | 'indexer-priority' | 'single-episode';

export type RejectionCode =
  | 'blocklisted'
  | 'wrong-kind'
  | 'wrong-year'
  | 'wrong-season'
  | 'wrong-episode'
  | 'cam'
  | 'quality-not-allowed'
  | 'too-small'
  | 'too-large'
  | 'ignored-term'
  | 'required-term-missing'
  | 'language-missing'
  | 'below-minimum-score'
  | 'not-enough-seeders';

export interface ScoreReason {
  readonly code: ReasonCode;
  readonly points: number;
  readonly detail: string;
}

export interface Rejection {
  readonly code: RejectionCode;
  readonly detail: string;
}

export interface ReleaseRanking {
  /** The sum of the reasons' points. */
  readonly score: number;
  readonly quality: QualityName;
  /** 1 for the profile's best quality; `null` when the profile does not allow it. */
  readonly qualityRank: number | null;
  /** At or above the profile's cutoff: good enough, no upgrade needed. */
  readonly meetsCutoff: boolean;
  /** No rejections. */
  readonly accepted: boolean;
  readonly reasons: readonly ScoreReason[];
  readonly rejections: readonly Rejection[];
}

export interface RankedRelease<C extends ReleaseCandidate = ReleaseCandidate> {
  readonly candidate: C;
  readonly ranking: ReleaseRanking;
}

/** Points per point of preferred-term score. */
export const TERM_POINTS = 1000;
/** Points per revision level (PROPER, REPACK, REAL…), up to 9 levels. */
export const REVISION_POINTS = 100;
const MAX_REVISION_LEVEL = 9;
// The tie-breakers add up to at most 95, below one revision level.
const MAX_SEEDER_POINTS = 50;
const FREELEECH_POINTS = 10;
const MAX_INDEXER_POINTS = 20;
const SINGLE_EPISODE_POINTS = 15;
const MIB = 1_048_576;

/** A profile with its terms compiled and its quality step worked out, for one ranking pass. */
interface CompiledProfile {
  readonly profile: QualityProfile;
  readonly rank: ReadonlyMap<QualityName, number>;
  /** The quality reason of each allowed quality, built once. */
  readonly qualityReasons: ReadonlyMap<QualityName, ScoreReason>;
  readonly cutoffIndex: number;
  readonly required: readonly CompiledTerm[];
  readonly ignored: readonly CompiledTerm[];
  readonly preferred: readonly { readonly term: CompiledTerm; readonly score: number }[];
}

function compileProfile(profile: QualityProfile): CompiledProfile {
  const rank = new Map<QualityName, number>();
  profile.qualities.forEach((quality, index) => {
    if (!rank.has(quality)) rank.set(quality, index);
  });
  const required: CompiledTerm[] = [];
  const ignored: CompiledTerm[] = [];
  const preferred: { term: CompiledTerm; score: number }[] = [];
  let span = 0;
  for (const term of profile.terms) {
    const compiled = compileTerm(term.term);
    if (term.kind === 'required') required.push(compiled);
    else if (term.kind === 'ignored') ignored.push(compiled);
    else {
      const score = term.score ?? 0;
      preferred.push({ term: compiled, score });
      span += Math.abs(score);
    }
  }
  const step = qualityStep(span);
  const allowed = profile.qualities.length;
  const qualityReasons = new Map<QualityName, ScoreReason>();
  for (const [quality, index] of rank) {
    // Shared by every ranking of this pass, hence frozen.
    qualityReasons.set(
      quality,
      Object.freeze({
        code: 'quality',
        points: (allowed - index) * step,
        detail: `${quality} is ${ordinal(index + 1)} of the ${allowed} qualities in "${profile.name}"`,
      }),
    );
  }
  return { profile, rank, qualityReasons, cutoffIndex: rank.get(profile.cutoff) ?? 0, required, ignored, preferred };
}

/** 1000 × the smallest power of ten above `span`: larger than all lower bands can differ by. */
function qualityStep(span: number): number {
  let power = 1;
  while (power <= span) power *= 10;
  return TERM_POINTS * power;
}

/** Rank one release. To rank many against one profile, `rankReleases` compiles the profile once. */
export function rankRelease(candidate: ReleaseCandidate, profile: QualityProfile, context: RankingContext = {}): ReleaseRanking {
  return rank(candidate, compileProfile(profile), context);
}

/**
 * Rank and sort: accepted first, then by score, seeders, peers, size (larger first) and
 * publication date (newer first); title and input order settle the rest. The input is not changed.
 */
export function rankReleases<C extends ReleaseCandidate>(
  candidates: readonly C[],
  profile: QualityProfile,
  context: RankingContext = {},
): RankedRelease<C>[] {
  const compiled = compileProfile(profile);
  const ranked = candidates.map((candidate, index) => ({ candidate, ranking: rank(candidate, compiled, context), index }));
  ranked.sort(compareRanked);
  return ranked.map(({ candidate, ranking }) => ({ candidate, ranking }));
}

/** The order of `rankReleases`, for callers who merge ranked lists. */
export function compareRankedReleases(a: RankedRelease, b: RankedRelease): number {
  return compareRanked({ ...a, index: 0 }, { ...b, index: 0 });
}

function compareRanked(a: RankedRelease & { index: number }, b: RankedRelease & { index: number }): number {
  return (
    Number(b.ranking.accepted) - Number(a.ranking.accepted) ||
    b.ranking.score - a.ranking.score ||
    descending(a.candidate.seeders, b.candidate.seeders) ||
    descending(a.candidate.peers, b.candidate.peers) ||
    descending(a.candidate.sizeBytes, b.candidate.sizeBytes) ||
    descending(a.candidate.publishedAt?.getTime(), b.candidate.publishedAt?.getTime()) ||
    (a.candidate.title < b.candidate.title ? -1 : a.candidate.title > b.candidate.title ? 1 : 0) ||
    a.index - b.index
  );
}

/** Larger first; a missing or non-finite value last, so that a bad number cannot unsettle the sort. */
function descending(a: number | null | undefined, b: number | null | undefined): number {
  const x = a !== null && a !== undefined && Number.isFinite(a) ? a : -Infinity;
  const y = b !== null && b !== undefined && Number.isFinite(b) ? b : -Infinity;
  return x === y ? 0 : x < y ? 1 : -1;
}

function rank(candidate: ReleaseCandidate, compiled: CompiledProfile, context: RankingContext): ReleaseRanking {
  const { parsed } = candidate;
  const { profile } = compiled;
  const tokens = candidate.tokens ?? tokenizeTitle(candidate.title);
  const reasons: ScoreReason[] = [];
  const rejections: Rejection[] = [];
  const quality = parsed.quality;
  const index = compiled.rank.get(quality);
  const qualityReason = compiled.qualityReasons.get(quality);

  if (candidate.blocklisted) rejections.push({ code: 'blocklisted', detail: 'This release is on the blocklist' });
  checkContext(parsed, context, rejections);

  // Quality.
  if (qualityReason === undefined) {
    reasons.push({ code: 'quality', points: 0, detail: `${quality} is not allowed by "${profile.name}"` });
    rejections.push(qualityRejection(parsed, profile));
  } else {
    reasons.push(qualityReason);
    checkSize(candidate, profile, context, rejections);
  }

  // Terms.
  for (const term of compiled.ignored) {
    if (matchesTerm(tokens, term)) rejections.push({ code: 'ignored-term', detail: `Contains the ignored term "${term.term}"` });
  }
  if (compiled.required.length > 0 && !compiled.required.some((term) => matchesTerm(tokens, term))) {
    const names = compiled.required.map((term) => `"${term.term}"`).join(', ');
    rejections.push({
      code: 'required-term-missing',
      detail: compiled.required.length === 1 ? `Lacks the required term ${names}` : `Contains none of the required terms ${names}`,
    });
  }
  let termScore = 0;
  for (const { term, score } of compiled.preferred) {
    if (score === 0 || !matchesTerm(tokens, term)) continue;
    termScore += score;
    reasons.push({ code: 'preferred-term', points: score * TERM_POINTS, detail: `Matches "${term.term}" (term score ${signed(score)})` });
  }
  if (profile.minPreferredScore !== undefined && termScore < profile.minPreferredScore) {
    rejections.push({
      code: 'below-minimum-score',
      detail: `Term score ${termScore} is below the profile's minimum of ${profile.minPreferredScore}`,
    });
  }

  checkLanguages(parsed, profile, context, rejections);

  // Revision.
  const { revision } = parsed;
  const level = Math.min(MAX_REVISION_LEVEL, Math.max(0, revision.version - 1) + Math.max(0, revision.real));
  if (level > 0) reasons.push({ code: 'revision', points: level * REVISION_POINTS, detail: describeRevision(parsed) });

  // Tie-breakers.
  const seeders = candidate.seeders;
  if (seeders !== null && Number.isFinite(seeders)) {
    const count = Math.max(0, Math.floor(seeders));
    // 10 seeders: 13 points, 100: 25, 1000: 38, 10000 and more: 50.
    const points = Math.min(MAX_SEEDER_POINTS, Math.round(12.5 * Math.log10(1 + count)));
    reasons.push({ code: 'seeders', points, detail: count === 1 ? '1 seeder' : `${count} seeders` });
    if (count < profile.minSeeders) {
      rejections.push({ code: 'not-enough-seeders', detail: `${count} ${count === 1 ? 'seeder' : 'seeders'}; the profile needs at least ${profile.minSeeders}` });
    }
  }
  if (candidate.freeleech) {
    reasons.push({ code: 'freeleech', points: FREELEECH_POINTS, detail: 'Freeleech: the download does not count against your ratio' });
  }
  if (candidate.indexerPriority !== undefined && Number.isFinite(candidate.indexerPriority)) {
    const priority = Math.min(50, Math.max(1, Math.round(candidate.indexerPriority)));
    const points = Math.round(((50 - priority) * MAX_INDEXER_POINTS) / 49);
    if (points > 0) reasons.push({ code: 'indexer-priority', points, detail: `Indexer priority ${priority} (1 is the most preferred, 50 the least)` });
  }
  if (isSingleAskedEpisode(parsed, context)) {
    reasons.push({ code: 'single-episode', points: SINGLE_EPISODE_POINTS, detail: 'The asked episode alone, not a whole season to download' });
  }

  let score = 0;
  for (const reason of reasons) score += reason.points;
  return {
    score,
    quality,
    qualityRank: index === undefined ? null : index + 1,
    meetsCutoff: index !== undefined && index <= compiled.cutoffIndex,
    accepted: rejections.length === 0,
    reasons,
    rejections,
  };
}

const PRE_RELEASE_SOURCES: Readonly<Record<string, string>> = {
  cam: 'a camera recording made in a cinema',
  telesync: 'a camera recording made in a cinema with a direct audio feed',
  telecine: 'a scan of a cinema film print',
  workprint: 'an unfinished pre-release cut',
};

function qualityRejection(parsed: ParsedRelease, profile: QualityProfile): Rejection {
  const what =
    (parsed.source !== null ? PRE_RELEASE_SOURCES[parsed.source] : undefined) ??
    (parsed.modifier === 'screener' || parsed.quality === 'DVDSCR' ? 'a screener copy sent out before release' : undefined) ??
    (PRE_RELEASE_QUALITIES.has(parsed.quality) ? 'a pre-release copy' : undefined);
  if (what !== undefined) {
    return { code: 'cam', detail: `${parsed.quality} is ${what}, which "${profile.name}" does not allow` };
  }
  if (parsed.quality === 'Unknown') {
    return { code: 'quality-not-allowed', detail: `The title names no quality, and "${profile.name}" does not allow Unknown` };
  }
  return { code: 'quality-not-allowed', detail: `${parsed.quality} is not one of the qualities "${profile.name}" allows` };
}

function checkSize(candidate: ReleaseCandidate, profile: QualityProfile, context: RankingContext, rejections: Rejection[]): void {
  const limit = profile.sizeLimits?.[candidate.parsed.quality];
  if (limit === undefined || !(candidate.sizeBytes > 0)) return;
  const units = sizeUnits(candidate.parsed, context);
  if (units === null) return;
  const mib = candidate.sizeBytes / MIB / units;
  const what = units === 1 && !isSeries(candidate.parsed, context) ? formatMiB(mib) : `${formatMiB(mib)} per episode`;
  const over = units > 1 ? ` (${formatMiB(candidate.sizeBytes / MIB)} over ${units} episodes)` : '';
  const quality = candidate.parsed.quality;
  if (limit.minMiB !== undefined && mib < limit.minMiB) {
    rejections.push({ code: 'too-small', detail: `${what}${over} is below the ${limit.minMiB} MiB minimum for ${quality}` });
  }
  if (limit.maxMiB !== undefined && mib > limit.maxMiB) {
    rejections.push({ code: 'too-large', detail: `${what}${over} is above the ${limit.maxMiB} MiB maximum for ${quality}` });
  }
}

function isSeries(parsed: ParsedRelease, context: RankingContext): boolean {
  return context.kind !== undefined ? context.kind === 'series' : parsed.kind !== 'movie';
}

/** How many films or episodes the size covers; `null` when unknown (a pack of unknown length). */
function sizeUnits(parsed: ParsedRelease, context: RankingContext): number | null {
  if (!isSeries(parsed, context)) return 1;
  if (parsed.fullSeason) {
    if (parsed.multiSeason || parsed.seasonPart !== null) return null;
    return context.episodesInSeason !== undefined && context.episodesInSeason > 0 ? context.episodesInSeason : null;
  }
  return Math.max(1, parsed.episodes.length, parsed.absoluteEpisodes.length);
}

function checkContext(parsed: ParsedRelease, context: RankingContext, rejections: Rejection[]): void {
  if (context.kind === 'movie') {
    if (parsed.season !== null || parsed.kind === 'episode' || parsed.kind === 'season' || parsed.kind === 'daily') {
      rejections.push({ code: 'wrong-kind', detail: `This is ${describeEpisodes(parsed)}, not a film` });
    }
    if (context.year !== undefined && parsed.year !== null && Math.abs(parsed.year - context.year) > 1) {
      const subject = context.title ?? 'The film';
      rejections.push({ code: 'wrong-year', detail: `${subject} is from ${context.year}; this release is from ${parsed.year}` });
    }
    return;
  }
  if (context.season === undefined) return;
  const asked = context.episode === undefined ? `season ${context.season}` : code(context.season, context.episode);
  if (parsed.season === null) {
    // Daily and absolute-numbered anime releases cannot be checked without the series' episode list.
    if (parsed.airDate !== null || parsed.absoluteEpisodes.length > 0) return;
    rejections.push({ code: 'wrong-season', detail: `Asked for ${asked}; this release names no season` });
    return;
  }
  if (parsed.multiSeason) return; // S01-S05: the first season only is known.
  if (parsed.season !== context.season) {
    rejections.push({ code: 'wrong-season', detail: `Asked for ${asked}; this release is ${describeEpisodes(parsed)}` });
    return;
  }
  if (context.episode === undefined) return;
  if (parsed.seasonExtra) {
    rejections.push({ code: 'wrong-episode', detail: `Asked for ${asked}; this release holds the season's extras` });
  } else if (!parsed.fullSeason && parsed.episodes.length > 0 && !parsed.episodes.includes(context.episode)) {
    rejections.push({ code: 'wrong-episode', detail: `Asked for ${asked}; this release is ${describeEpisodes(parsed)}` });
  }
}

/** When one episode is asked for, a release of just that episode beats a pack holding it. */
function isSingleAskedEpisode(parsed: ParsedRelease, context: RankingContext): boolean {
  return (
    context.episode !== undefined &&
    context.season === parsed.season &&
    !parsed.fullSeason &&
    parsed.episodes.length === 1 &&
    parsed.episodes[0] === context.episode
  );
}

function checkLanguages(parsed: ParsedRelease, profile: QualityProfile, context: RankingContext, rejections: Rejection[]): void {
  const required = profile.languages ?? [];
  if (required.length === 0 || parsed.multiLanguage) return;
  const named = parsed.languages.length > 0;
  const present: readonly Language[] = named ? parsed.languages : [context.originalLanguage ?? 'english'];
  const missing = required.filter((language) => !present.includes(language));
  if (missing.length === 0) return;
  const has = named ? `the title names ${list(present)}` : `the title names no language; ${languageName(present[0])} assumed`;
  rejections.push({ code: 'language-missing', detail: `Lacks ${list(missing)} audio (${has})` });
}

function describeRevision(parsed: ParsedRelease): string {
  const { revision } = parsed;
  const words: string[] = [];
  if (revision.real > 0) words.push(revision.real > 1 ? `REAL ×${revision.real}` : 'REAL');
  if (revision.proper) words.push('PROPER');
  if (revision.repack) words.push('REPACK');
  if (words.length === 0 || (!revision.proper && !revision.repack && revision.version > 1)) words.push(`version ${revision.version}`);
  return `${words.join(' ')}: a corrected re-release`;
}

function describeEpisodes(parsed: ParsedRelease): string {
  if (parsed.season === null) return parsed.airDate !== null ? `the episode of ${parsed.airDate}` : 'an episode';
  if (parsed.multiSeason) return `a pack of several seasons from season ${parsed.season}`;
  if (parsed.fullSeason) return `the season ${parsed.season} pack`;
  if (parsed.episodes.length === 0) return `season ${parsed.season}`;
  const first = parsed.episodes[0];
  const last = parsed.episodes[parsed.episodes.length - 1];
  return parsed.episodes.length === 1 ? code(parsed.season, first) : `${code(parsed.season, first)}-E${pad(last)}`;
}

function code(season: number, episode: number): string {
  return `S${pad(season)}E${pad(episode)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Locale-independent, so explanations do not change with the server's locale. */
function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

function languageName(language: Language): string {
  if (language === 'portuguese-br') return 'Brazilian Portuguese';
  return language.charAt(0).toUpperCase() + language.slice(1);
}

function list(languages: readonly Language[]): string {
  const names = languages.map(languageName);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
