import { parseReleaseTitle } from '@sokoul/release-parser';

/** What a file's name (or, failing that, its nearest folder's) says it holds. */
export interface EpisodeNumbering {
  readonly season: number | null;
  /** Episodes within `season`; empty for a whole season or when no episode is named. */
  readonly episodes: readonly number[];
  /** Air dates or absolute numbers: only the series' episode list could map them to episodes. */
  readonly unmappable: boolean;
}

/**
 * Reads the numbering from the file name, then from its folders upwards: obfuscated names
 * inside a `Show.S02E05.720p-GROUP/` folder, or `Subs/Show.S02E05/2_English.srt`, still tell.
 */
export function numberingOf(segments: readonly string[]): EpisodeNumbering {
  for (let end = segments.length; end > 0; end--) {
    const parsed = parseReleaseTitle(segments[end - 1]);
    if (parsed.season !== null) return { season: parsed.season, episodes: parsed.episodes, unmappable: false };
    if (parsed.airDate !== null || parsed.absoluteEpisodes.length > 0) return { season: null, episodes: [], unmappable: true };
  }
  return { season: null, episodes: [], unmappable: false };
}

/** `S02E05`, `S02E05-E06`: Sonarr's scene style, every episode spelled out. */
export function episodeCode(season: number, episodes: readonly number[]): string {
  return `S${pad(season)}${episodes.map((episode) => `E${pad(episode)}`).join('-')}`;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}
