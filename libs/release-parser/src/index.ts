export { parseReleaseTitle } from './lib/parse-release-title';
export type {
  Audio,
  AudioCodec,
  EditionTag,
  HdrFormat,
  Language,
  Modifier,
  ParsedRelease,
  QualityName,
  ReleaseKind,
  Resolution,
  Revision,
  Source,
  VideoCodec,
} from './lib/types';

/**
 * The distinct release titles of the agreement corpus (Sonarr's and Radarr's parser fixtures),
 * loaded on demand so that the parser itself never carries them: for benchmarks and for
 * consumers' own tests.
 */
export async function loadReleaseTitleCorpus(): Promise<readonly string[]> {
  const { CORPUS_TITLES } = await import('./fixtures');
  return CORPUS_TITLES;
}
