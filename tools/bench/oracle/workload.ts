/**
 * The searches the oracle bench replays: (1) a set of distinct searches for the cold / warm
 * comparison, and (2) a watchlist re-searched every hour while the indexers' listings drift.
 * Deterministic for a seed. The drift model is described in README.md ("The watchlist
 * workload"); its figures are the constants below.
 */
import type { Media } from '@sokoul/contracts';
import { FILMS, type Film, SERIES, type Series, type Work } from './catalogue';
import { type ListedRelease, Random, ReleaseSource, ranked } from './releases';

/** One search the oracle judges: what was asked for and what the indexers listed, best first. */
export interface Search {
  readonly label: string;
  readonly media: Media;
  readonly releases: readonly ListedRelease[];
}

/** Distinct works to search for: films, then episodes of series whose season is out, interleaved. */
function distinctTargets(seed: string): Array<{ work: Work; episode: number | null }> {
  const random = new Random(`${seed}|targets`);
  const films = random.shuffle(FILMS);
  const episodes = random.shuffle(SERIES.filter((s) => !s.running).flatMap((show) => Array.from({ length: show.episodes }, (_, i) => ({ work: show, episode: i + 1 }))));
  const targets: Array<{ work: Work; episode: number | null }> = [];
  for (let i = 0; i < Math.max(films.length, episodes.length); i++) {
    const film = films[i];
    const episode = episodes[i];
    if (film) targets.push({ work: film, episode: null });
    if (episode) targets.push(episode);
  }
  return targets;
}

export const MAX_DISTINCT_SEARCHES = distinctTargets('').length;

/**
 * `count` searches for distinct films and episodes, `releases` distinct names each (about 10%
 * of them the noise a text search brings back: cams, namesakes, bait, neighbouring episodes).
 * No question repeats across searches: the first pass over them is all cache misses.
 */
export function distinctSearches(count: number, releases: number, seed: string): Search[] {
  return distinctTargets(seed)
    .slice(0, count)
    .map(({ work, episode }) => {
      const source = new ReleaseSource(work, episode, `${seed}|board`);
      return { label: source.label, media: source.media, releases: ranked(Array.from({ length: releases }, () => source.next())) };
    });
}

// ---------------------------------------------------------------------------------------------
// The watchlist

export type ItemClass = 'recent film' | 'older film' | 'aired episode' | 'running episode';

/** How an item's listing changes per simulated hour; see README.md. */
interface Drift {
  /** Names listed when the simulation starts (a week before the first measured hour). */
  readonly initial: readonly [number, number];
  /** New names per hour (Poisson), at hour `h`; `sinceAir` is h − the airing hour for a running episode. */
  readonly arrivals: (sinceAir: number | null) => number;
  /** Each listed name disappears with this probability per hour. */
  readonly dropPerHour: number;
  /** Share of new names that are noise rather than the real thing. */
  readonly noiseShare: number;
}

export const DRIFT: Readonly<Record<ItemClass, Drift>> = {
  // Out on streaming in the last months: new encodes keep coming, dead torrents get pruned. About 40 listed at equilibrium.
  'recent film': { initial: [36, 44], arrivals: () => 0.12, dropPerHour: 0.003, noiseShare: 0.1 },
  // Years old: the listing barely moves (a new encode every few days).
  'older film': { initial: [36, 44], arrivals: () => 0.01, dropPerHour: 0.00025, noiseShare: 0.1 },
  // An episode of a finished season: fewer names, as still as an older film.
  'aired episode': { initial: [18, 28], arrivals: () => 0.01, dropPerHour: 0.0005, noiseShare: 0.15 },
  // The next episode of a weekly series: before it airs a search finds only the noise (earlier episodes, the last
  // season's pack); from its airing hour a burst of WEB-DLs and encodes (about 11 names over the first 8 hours), then a trickle.
  'running episode': {
    initial: [6, 12],
    arrivals: (sinceAir) => (sinceAir === null || sinceAir < 0 ? 0 : 0.05 + 5 * 0.55 ** sinceAir),
    dropPerHour: 0.001,
    noiseShare: 0.05,
  },
};

/** Of the new names, this share is a REPACK or PROPER of a release already listed (when there is one to fix). */
export const REPACK_SHARE = 0.2;
/** The week of drift simulated (without searching) before the first measured hour, so listings are in their steady state. */
export const PRE_ROLL_HOURS = 168;
const WEEK_HOURS = 168;

interface Item {
  readonly source: ReleaseSource;
  readonly kind: ItemClass;
  /** The hour its episode airs (running episodes only), relative to the first measured hour. */
  readonly airHour: number | null;
  readonly listed: Map<string, ListedRelease>;
}

export interface HourDrift {
  appeared: number;
  repacks: number;
  disappeared: number;
}

export interface WatchlistComposition {
  items: number;
  byClass: Record<ItemClass, number>;
  /** Running episodes that air during the measured hours (the rest aired earlier this week, or air next week). */
  airingInWindow: number;
}

/**
 * A watchlist of films and episodes whose indexer listings drift hour by hour. 60% films (a
 * third of them recent), 40% episodes (half of finished seasons, half the next episode of a
 * weekly series, their airing spread evenly over the week).
 */
export class WatchlistSimulation {
  private readonly items: Item[];
  private readonly random: Random;

  constructor(
    itemCount: number,
    private readonly hours: number,
    seed: string,
  ) {
    this.random = new Random(`${seed}|watchlist`);
    this.items = this.compose(itemCount, seed);
    for (let hour = 1 - PRE_ROLL_HOURS; hour <= 0; hour++) this.advance(hour);
  }

  get composition(): WatchlistComposition {
    const byClass: Record<ItemClass, number> = { 'recent film': 0, 'older film': 0, 'aired episode': 0, 'running episode': 0 };
    for (const item of this.items) byClass[item.kind] += 1;
    const airingInWindow = this.items.filter((item) => item.airHour !== null && item.airHour >= 1 && item.airHour <= this.hours).length;
    return { items: this.items.length, byClass, airingInWindow };
  }

  /** One hour of drift: new names appear, some disappear. */
  advance(hour: number): HourDrift {
    const drift: HourDrift = { appeared: 0, repacks: 0, disappeared: 0 };
    for (const item of this.items) {
      const rules = DRIFT[item.kind];
      for (const [title] of item.listed) {
        if (this.random.chance(rules.dropPerHour)) {
          item.listed.delete(title);
          drift.disappeared += 1;
        }
      }
      const arrivals = this.random.poisson(rules.arrivals(item.airHour === null ? null : hour - item.airHour));
      for (let i = 0; i < arrivals; i++) {
        const repack = this.random.chance(REPACK_SHARE) ? this.repackIn(item) : undefined;
        const release = repack ?? item.source.next(rules.noiseShare);
        item.listed.set(release.title, release);
        drift.appeared += 1;
        if (repack) drift.repacks += 1;
      }
    }
    return drift;
  }

  /** The hour's searches, in the order the scheduler's jitter gives them (a new order every hour). */
  searches(): Search[] {
    return this.random.shuffle(this.items).map((item) => ({ label: item.source.label, media: item.source.media, releases: ranked(item.listed.values()) }));
  }

  private repackIn(item: Item): ListedRelease | undefined {
    const candidates = [...item.listed.values()].filter((release) => !/\.(REPACK|PROPER)\./.test(release.title));
    if (candidates.length === 0) return undefined;
    return item.source.repackOf(this.random.pick(candidates));
  }

  private compose(count: number, seed: string): Item[] {
    const random = new Random(`${seed}|composition`);
    const films = Math.min(Math.round(count * 0.6), FILMS.length);
    const recentWanted = Math.round(films / 3);
    const recent = random.shuffle(FILMS.filter((f) => f.recent));
    const older = random.shuffle(FILMS.filter((f) => !f.recent));
    const recentTaken = recent.slice(0, Math.min(recentWanted, recent.length));
    const filmItems: Film[] = [...recentTaken, ...older.slice(0, films - recentTaken.length)];
    if (filmItems.length < films) filmItems.push(...recent.slice(recentTaken.length, recentTaken.length + films - filmItems.length));

    const episodes = count - filmItems.length;
    const runningCount = Math.round(episodes / 2);
    const aired = random
      .shuffle(SERIES.filter((s) => !s.running).flatMap((show) => Array.from({ length: show.episodes }, (_, i) => ({ show, episode: i + 1 }))))
      .slice(0, episodes - runningCount);
    const runningShows = random.shuffle(SERIES.filter((s) => s.running));
    // Each running show airs on its own day and hour of the week; spread evenly over the week.
    const offset = random.next();
    const running = Array.from({ length: runningCount }, (_, j) => {
      const show = runningShows[j % runningShows.length] as Series;
      const week = Math.floor(j / runningShows.length);
      const slot = Math.floor(((j % runningShows.length) + offset) * (WEEK_HOURS / runningShows.length));
      // Slots run from a week before the first measured hour to its end: those past hour 0 already aired this week.
      return { show, episode: Math.min(show.episodes, Math.floor(show.episodes / 2) + 1 + week), airHour: slot - WEEK_HOURS + 24 + WEEK_HOURS * week };
    });

    const item = (work: Work, episode: number | null, kind: ItemClass, airHour: number | null): Item => {
      const source = new ReleaseSource(work, episode, `${seed}|watchlist`);
      const [min, max] = DRIFT[kind].initial;
      const listed = new Map<string, ListedRelease>();
      const initial = random.int(min, max);
      for (let i = 0; i < initial; i++) {
        const release = kind === 'running episode' ? source.noise() : source.next(DRIFT[kind].noiseShare);
        listed.set(release.title, release);
      }
      return { source, kind, airHour, listed };
    };
    return [
      ...filmItems.map((film) => item(film, null, film.recent ? 'recent film' : 'older film', null)),
      ...aired.map(({ show, episode }) => item(show, episode, 'aired episode', null)),
      ...running.map(({ show, episode, airHour }) => item(show, episode, 'running episode', airHour)),
    ];
  }
}
