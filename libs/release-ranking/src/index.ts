export {
  qualityProfileSchema,
  describeProfileIssues,
  MAX_TERM_SCORE,
  MAX_TERMS,
  TERM_KINDS,
  type QualityProfile,
  type QualityProfileInput,
  type ProfileTerm,
  type SizeLimit,
  type TermKind,
} from './lib/quality-profile';
export { DEFAULT_QUALITY_PROFILES, DEFAULT_QUALITY_PROFILE, type DefaultQualityProfile } from './lib/default-profiles';
export { tokenizeTitle, compileTerm, matchesTerm, type TitleTokens, type CompiledTerm } from './lib/title-tokens';
export {
  rankRelease,
  rankReleases,
  compareRankedReleases,
  TERM_POINTS,
  REVISION_POINTS,
  type ReleaseCandidate,
  type RankingContext,
  type ReleaseRanking,
  type RankedRelease,
  type ScoreReason,
  type ReasonCode,
  type Rejection,
  type RejectionCode,
} from './lib/rank-release';
export { QUALITY_NAMES, LANGUAGES, PRE_RELEASE_QUALITIES } from './lib/vocabulary';
export { matchReleaseToMedia, type MediaMatch } from './lib/media-match';
