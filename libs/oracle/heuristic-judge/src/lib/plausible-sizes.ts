/**
 * How large a release of a given resolution can plausibly be. The bounds are wide on purpose:
 * they are meant to catch fakes (a "2160p" film of 300 MB is a trailer, a virus or an old DVD
 * rip renamed) and mislabelled qualities, never to prefer one encoder's bitrate over another's.
 * Quality profiles' `sizeLimits` (`@sokoul/release-ranking`) are the place for taste; the
 * default profiles have none, which is why these exist.
 *
 * Lower bounds sit under the smallest honest encodes seen in the wild (x265 "mini" encodes of a
 * film, 22-minute anime episodes in HEVC); upper bounds over the largest honest releases (a full
 * UHD Blu-ray image of 100 GB, a remuxed 90-minute finale).
 */
import type { ParsedRelease, Resolution } from '@sokoul/release-parser';

const MIB = 1024 ** 2;

export interface SizeBounds {
  readonly minMiB: number;
  readonly maxMiB: number;
}

/** Per film and per episode, by the resolution the name claims; 576p and 480p are both SD. */
export const PLAUSIBLE_SIZES: {
  readonly movie: Readonly<Record<Resolution, SizeBounds>>;
  readonly episode: Readonly<Record<Resolution, SizeBounds>>;
} = deepFreeze({
  movie: {
    2160: { minMiB: 1536, maxMiB: 120 * 1024 },
    1080: { minMiB: 500, maxMiB: 60 * 1024 },
    720: { minMiB: 250, maxMiB: 25 * 1024 },
    576: { minMiB: 150, maxMiB: 12 * 1024 },
    480: { minMiB: 150, maxMiB: 12 * 1024 },
  },
  episode: {
    2160: { minMiB: 300, maxMiB: 40 * 1024 },
    1080: { minMiB: 80, maxMiB: 20 * 1024 },
    720: { minMiB: 40, maxMiB: 8 * 1024 },
    576: { minMiB: 25, maxMiB: 4 * 1024 },
    480: { minMiB: 25, maxMiB: 4 * 1024 },
  },
});

/**
 * A season pack names no episode count: its lower bound assumes a short season (a miniseries of
 * three), its upper bound a long one (thirty, as daytime and anime seasons run).
 */
export const SEASON_PACK_EPISODES = Object.freeze({ fewest: 3, most: 30 });

export type SizeCheck =
  | { readonly verdict: 'unknown' }
  | { readonly verdict: 'plausible'; readonly detail: string; readonly resolutionKnown: boolean }
  | { readonly verdict: 'too-small' | 'too-large'; readonly detail: string };

/**
 * `asSeries`: judge it as episodes (a series was asked for, or the name numbers episodes).
 * A series release that names no episode at all (`Show.2022.1080p`) may be a single episode or
 * the whole run: only the single-episode lower bound applies.
 */
export function checkSize(parsed: ParsedRelease, sizeBytes: number, asSeries: boolean): SizeCheck {
  if (!Number.isFinite(sizeBytes) || sizeBytes <= 0) return { verdict: 'unknown' };
  const mib = sizeBytes / MIB;
  const table = asSeries ? PLAUSIBLE_SIZES.episode : PLAUSIBLE_SIZES.movie;
  const perUnit = parsed.resolution !== null ? table[parsed.resolution] : anyResolution(table);
  const { what, fewest, most } = extent(parsed, asSeries);
  const claimed = parsed.resolution !== null ? `${parsed.resolution}p ${what}` : `${what} of unnamed resolution`;
  const minMiB = perUnit.minMiB * fewest;
  const maxMiB = most === null ? Infinity : perUnit.maxMiB * most;
  const size = formatMiB(mib);
  if (mib < minMiB) {
    return {
      verdict: 'too-small',
      detail: `At ${size}, ${withArticle(claimed)} is implausibly small (at least ${formatMiB(minMiB)} expected): likely a fake or a mislabelled quality.`,
    };
  }
  if (mib > maxMiB) {
    return {
      verdict: 'too-large',
      detail: `At ${size}, ${withArticle(claimed)} is implausibly large (at most ${formatMiB(maxMiB)} expected): the quality may be mislabelled, or it holds more than it says.`,
    };
  }
  return { verdict: 'plausible', detail: `At ${size}, its size is plausible for ${withArticle(claimed)}.`, resolutionKnown: parsed.resolution !== null };
}

/** How many films or episodes the size covers, at least and at most (`null`: no upper bound). */
function extent(parsed: ParsedRelease, asSeries: boolean): { what: string; fewest: number; most: number | null } {
  if (!asSeries) return { what: 'film', fewest: 1, most: 1 };
  if (parsed.fullSeason) {
    if (parsed.multiSeason) return { what: 'multi-season pack', fewest: SEASON_PACK_EPISODES.fewest, most: null };
    return { what: 'season pack', fewest: SEASON_PACK_EPISODES.fewest, most: SEASON_PACK_EPISODES.most };
  }
  const count = Math.max(parsed.episodes.length, parsed.absoluteEpisodes.length);
  if (count === 0 && parsed.airDate === null) return { what: 'series release naming no episode', fewest: 1, most: null };
  if (count <= 1) return { what: 'episode', fewest: 1, most: 1 };
  return { what: `run of ${count} episodes`, fewest: count, most: count };
}

/** A name that claims no resolution is held to the widest bounds: at least SD, at most 2160p. */
function anyResolution(table: Readonly<Record<Resolution, SizeBounds>>): SizeBounds {
  const bounds = Object.values(table);
  return { minMiB: Math.min(...bounds.map((b) => b.minMiB)), maxMiB: Math.max(...bounds.map((b) => b.maxMiB)) };
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

export function formatMiB(mib: number): string {
  if (mib < 1024) return `${Math.round(mib)} MiB`;
  const gib = mib / 1024;
  return `${gib < 10 ? gib.toFixed(1) : Math.round(gib)} GiB`;
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}
