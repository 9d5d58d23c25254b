export {
  judgeRelease,
  JUDGE_CONFIDENCE,
  MATCH_CONFIDENCE,
  type Verdict,
  type WantedMedia,
  type CandidateRelease,
  type Judgement,
} from './lib/judge-release';
export { PLAUSIBLE_SIZES, SEASON_PACK_EPISODES, type SizeBounds } from './lib/plausible-sizes';
