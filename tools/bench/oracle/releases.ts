/**
 * Release names as indexers list them for one film or episode: scene and P2P groups, streaming
 * WEB-DLs, Blu-ray encodes and remuxes, with the noise a text search brings back (cams of a
 * recent film, a namesake of another year, bait, neighbouring episodes, season packs). Seeded:
 * the same seed gives the same names in the same order, every run.
 *
 * A name's size, quality and rank are functions of the name, so a name seen again an hour later
 * asks the oracle the same question (its cache key covers the name, the size class and the
 * quality).
 */
import { createHash } from 'node:crypto';
import type { Media } from '@sokoul/contracts';
import { parseReleaseTitle } from '@sokoul/release-parser';
import type { Film, Series, Work } from './catalogue';

const GIB = 1024 ** 3;

/** A release as the scout hands it to the oracle (its id is given per search). */
export interface ListedRelease {
  readonly title: string;
  readonly sizeBytes: number;
  readonly quality: string;
  /** The scout's order stands in for this: higher first. Stable per name. */
  readonly rank: number;
}

/** mulberry32: small, fast, and the same sequence for a seed on every platform. */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `[item, weight]` pairs. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let at = this.next() * total;
    for (const [item, weight] of choices) {
      at -= weight;
      if (at < 0) return item;
    }
    return choices[choices.length - 1]?.[0] as T;
  }

  /** Events in one hour at `mean` per hour (Knuth; means here are small). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k += 1;
      product *= this.next();
    }
    return k;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** FNV-1a, 32 bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) that only depends on the name (and what it is used for). */
function fraction(title: string, use: string): number {
  return createHash('sha1').update(`${use}\u0000${title}`).digest().readUInt32BE(0) / 4294967296;
}

const pad = (n: number): string => String(n).padStart(2, '0');

const MOVIE_SERVICES = ['AMZN', 'NF', 'MA', 'ATVP', 'DSNP', 'HMAX', 'iT'];
const WEB_GROUPS = ['FLUX', 'NTb', 'CMRG', 'EDITH', 'BYNDR', 'playWEB', 'SMURF', 'TEPES', 'KiNGS', 'HONE', 'ETHEL', 'APEX'];
const ENCODE_GROUPS = ['SPARKS', 'GECKOS', 'ROVERS', 'DON', 'W4NK3R', 'iFT', 'TOMMY', 'NCmt', 'DEFLATE', 'VETO'];
const X265_GROUPS = ['PSA', 'QxR', 'TAoE', 'Tigole', 'SAMPA', 'DiN'];
const REMUX_GROUPS = ['FGT', 'EPSiLON', 'FraMeSToR', 'BiTOR', 'playBD', 'WiLDCAT'];
const RIP_GROUPS = ['GalaxyRG', 'YTS', 'ETRG', 'EVO', 'TGx', 'RARBG'];
const CAM_GROUPS = ['NOGRP', 'C1NEM4', 'SUNSCREEN', 'TeeWee'];
const TV_WEB_GROUPS = ['NTb', 'FLUX', 'EDITH', 'SuccessfulCrab', 'KiNGS', 'CAKES', 'GLHF', 'ETHEL', 'BLOOM', 'SYNCOPY', 'NHTFS'];
const TV_X265_GROUPS = ['MeGusta', 'ELiTE', 'PSA', 'SAMPA', 'TGx'];
const AUDIO_WEB = ['DDP5.1', 'DDP5.1.Atmos', 'DD5.1', 'AAC2.0'];
const AUDIO_BD = ['DTS-HD.MA.5.1', 'TrueHD.7.1.Atmos', 'DTS.5.1', 'DD5.1', 'FLAC.2.0'];
const HDR = ['', 'HDR', 'DV.HDR', 'HDR10Plus', 'DV'];
const FILM_EDITIONS = ['', '', '', '', '', '', 'IMAX', 'Hybrid', 'INTERNAL', 'EXTENDED', 'REMASTERED'];

type Resolution = '2160p' | '1080p' | '720p';
const join = (...parts: string[]): string => parts.filter(Boolean).join('.');

/** A name cut where REPACK / PROPER goes: after `Title.Year` or `Title.SxxEyy`. */
interface Name {
  head: string;
  tail: string;
  /** Size range in GiB. */
  gib: readonly [number, number];
}

/**
 * Every release name one film or episode can have on the indexers, drawn one at a time: new
 * ones (`next`), the noise a search for it also finds (`noise`), and re-releases of a listed
 * one (`repackOf`). Never the same name twice.
 */
export class ReleaseSource {
  readonly media: Media;
  private readonly random: Random;
  /** Lower-cased: the oracle asks about a name once whatever its case, and no group releases one name twice in two cases. */
  private readonly seen = new Set<string>();

  constructor(
    readonly work: Work,
    /** For a series: the episode searched for. */
    readonly episode: number | null,
    seed: string,
  ) {
    this.random = new Random(`${seed}|${work.releaseTitle}|${episode ?? ''}`);
    this.media =
      work.kind === 'movie'
        ? { kind: 'movie', title: work.title, year: work.year, season: null, episode: null, tmdbId: null, imdbId: null, tvdbId: null }
        : { kind: 'series', title: work.title, year: work.year, season: work.season, episode, tmdbId: null, imdbId: null, tvdbId: null };
  }

  /** What the watchlist item or search is called in reports. */
  get label(): string {
    const { work } = this;
    return work.kind === 'movie' ? `${work.title} (${work.year})` : `${work.title} S${pad(work.season)}E${pad(this.episode ?? 0)}`;
  }

  /** A release not listed before: mostly the real thing, sometimes what the search also drags in. */
  next(noiseShare = 0.1): ListedRelease {
    return this.random.chance(noiseShare) ? this.noise() : this.fresh(() => this.genuine());
  }

  /** What a search also finds that is not the wanted release (falls back to a genuine name when none is left). */
  noise(): ListedRelease {
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = this.work.kind === 'movie' ? this.filmNoise(this.work) : this.episodeNoise(this.work);
      if (name && !this.seen.has(build(name).toLowerCase())) return this.take(name);
    }
    return this.fresh(() => this.genuine());
  }

  /** The same release again, fixed: `REPACK`, or `PROPER` by another group's hand. Undefined when both exist. */
  repackOf(release: ListedRelease): ListedRelease | undefined {
    const cut = this.work.kind === 'movie' ? `${this.work.releaseTitle}.${this.work.year}` : `${this.work.releaseTitle}.S${pad(this.work.season)}E${pad(this.episode ?? 0)}`;
    if (!release.title.startsWith(`${cut}.`)) return undefined;
    const tail = release.title.slice(cut.length + 1);
    if (/^(REPACK|PROPER)\./.test(tail)) return undefined;
    for (const tag of ['REPACK', 'PROPER']) {
      const title = `${cut}.${tag}.${tail}`;
      if (!this.seen.has(title.toLowerCase())) {
        this.seen.add(title.toLowerCase());
        return { ...release, title, rank: rankOf(title), quality: qualityOf(title) };
      }
    }
    return undefined;
  }

  private fresh(make: () => Name): ListedRelease {
    for (let attempt = 0; attempt < 200; attempt++) {
      const name = make();
      if (!this.seen.has(build(name).toLowerCase())) return this.take(name);
    }
    throw new Error(`no new release name left for ${this.label}`);
  }

  private take(name: Name): ListedRelease {
    const title = build(name);
    this.seen.add(title.toLowerCase());
    const [min, max] = name.gib;
    const gib = min + (max - min) * fraction(title, 'size');
    return { title, sizeBytes: Math.round(gib * GIB), quality: qualityOf(title), rank: rankOf(title) };
  }

  private genuine(): Name {
    return this.work.kind === 'movie' ? this.filmRelease(this.work) : this.episodeRelease(this.work, this.episode ?? 1);
  }

  private filmRelease(film: Film): Name {
    const r = this.random;
    const head = `${film.releaseTitle}.${film.year}`;
    const edition = r.pick(FILM_EDITIONS);
    const kind = r.weighted<'web' | 'webrip' | 'encode' | 'x265' | 'remux' | 'uhd'>(
      film.recent
        ? [['web', 55], ['webrip', 15], ['encode', 15], ['x265', 8], ['remux', 4], ['uhd', 3]]
        : [['web', 20], ['webrip', 10], ['encode', 30], ['x265', 15], ['remux', 12], ['uhd', 13]],
    );
    switch (kind) {
      case 'web': {
        const res = r.weighted<Resolution>([['2160p', 3], ['1080p', 5], ['720p', 2]]);
        const uhd = res === '2160p';
        const tail = join(edition, res, r.pick(MOVIE_SERVICES), 'WEB-DL', r.pick(AUDIO_WEB), uhd ? r.pick(HDR) : '', uhd ? 'H.265' : 'H.264');
        return { head, tail: `${tail}-${r.pick(WEB_GROUPS)}`, gib: uhd ? [12, 28] : res === '1080p' ? [5, 12] : [2, 5] };
      }
      case 'webrip': {
        const res = r.weighted<Resolution>([['2160p', 1], ['1080p', 5], ['720p', 3]]);
        const x265 = r.chance(0.3);
        const tail = join(res, 'WEBRip', x265 ? 'x265.10bit' : 'x264', r.pick(['AAC5.1', 'AAC2.0', 'DDP5.1']));
        return { head, tail: `${tail}-${r.pick(RIP_GROUPS)}`, gib: res === '2160p' ? [6, 15] : res === '1080p' ? [1.8, 4] : [0.9, 1.6] };
      }
      case 'encode': {
        const res = r.weighted<Resolution>([['1080p', 3], ['720p', 1]]);
        const tail = join(edition, res, 'BluRay', 'x264', r.pick(AUDIO_BD));
        return { head, tail: `${tail}-${r.pick(ENCODE_GROUPS)}`, gib: res === '1080p' ? [8, 18] : [4, 8] };
      }
      case 'x265': {
        const res = r.weighted<Resolution>([['2160p', 1], ['1080p', 3]]);
        const tail = join(edition, res, 'BluRay', 'x265.10bit', res === '2160p' ? 'HDR' : '', r.pick(['AAC5.1', 'DDP5.1', 'DTS-HD.MA.5.1']));
        return { head, tail: `${tail}-${r.pick(X265_GROUPS)}`, gib: res === '2160p' ? [12, 25] : [4, 9] };
      }
      case 'remux': {
        const uhd = r.chance(0.5);
        const tail = join(edition, uhd ? '2160p.UHD.BluRay.REMUX' : '1080p.BluRay.REMUX', uhd ? r.pick(['DV.HDR', 'HDR']) : '', uhd ? 'HEVC' : 'AVC', r.pick(['TrueHD.7.1.Atmos', 'DTS-HD.MA.5.1']));
        return { head, tail: `${tail}-${r.pick(REMUX_GROUPS)}`, gib: uhd ? [45, 80] : [20, 40] };
      }
      case 'uhd':
        return { head, tail: `${join(edition, '2160p.UHD.BluRay.x265.10bit', r.pick(['HDR', 'DV.HDR']), r.pick(AUDIO_BD))}-${r.pick(ENCODE_GROUPS)}`, gib: [18, 40] };
    }
  }

  private filmNoise(film: Film): Name | undefined {
    const r = this.random;
    const kind = r.weighted<'cam' | 'namesake' | 'bait'>([['cam', film.recent ? 4 : 0], ['namesake', 3], ['bait', 1]]);
    if (kind === 'cam') {
      return { head: `${film.releaseTitle}.${film.year}`, tail: `${r.pick(['HDCAM.x264', 'HDTS.x264', 'TS.XviD', 'CAMRip.x264'])}-${r.pick(CAM_GROUPS)}`, gib: [0.8, 2] };
    }
    if (kind === 'namesake') {
      // Another film of the same name, decades apart: a remake, or the original.
      const year = film.year - r.int(15, 45);
      if (year < 1930) return undefined;
      return { head: `${film.releaseTitle}.${year}`, tail: `${r.pick(['1080p.BluRay.x264', '720p.BluRay.x264', '1080p.WEB-DL.H.264'])}-${r.pick(ENCODE_GROUPS)}`, gib: [4, 12] };
    }
    return { head: `${film.releaseTitle}.${film.year}`, tail: `1080p.WEB-DL.x264.${r.pick(['AAC', 'DD5.1'])}.mkv.exe`, gib: [0.001, 0.005] };
  }

  private episodeRelease(show: Series, episode: number): Name {
    const r = this.random;
    const head = `${show.releaseTitle}.S${pad(show.season)}E${pad(episode)}`;
    const kind = r.weighted<'web' | 'scene' | 'uhd' | 'x265' | 'webrip'>([['web', 40], ['scene', 20], ['uhd', 10], ['x265', 20], ['webrip', 10]]);
    switch (kind) {
      case 'web': {
        const res = r.weighted<Resolution>([['1080p', 3], ['720p', 1]]);
        return { head, tail: `${join(res, show.service, 'WEB-DL', r.pick(AUDIO_WEB), 'H.264')}-${r.pick(TV_WEB_GROUPS)}`, gib: res === '1080p' ? [1.5, 4] : [0.7, 1.6] };
      }
      case 'scene': {
        const res = r.weighted<Resolution>([['1080p', 3], ['720p', 2]]);
        return { head, tail: `${join(res, 'WEB', r.pick(['h264', 'H264']))}-${r.pick(TV_WEB_GROUPS)}`, gib: res === '1080p' ? [1.2, 3.5] : [0.6, 1.4] };
      }
      case 'uhd':
        return { head, tail: `${join('2160p', show.service, 'WEB-DL', 'DDP5.1.Atmos', r.pick(['DV.HDR', 'HDR', 'DV']), 'H.265')}-${r.pick(TV_WEB_GROUPS)}`, gib: [4, 9] };
      case 'x265':
        return { head, tail: `${join(r.pick(['1080p', '720p']), r.pick(['WEB.x265', 'HEVC.x265', 'WEBRip.x265']))}-${r.pick(TV_X265_GROUPS)}`, gib: [0.35, 1.2] };
      case 'webrip':
        return { head, tail: `${join(r.pick(['720p', '1080p']), 'WEBRip', 'x264', 'AAC')}-${r.pick(['GalaxyTV', 'TGx', 'EZTV', 'ION10'])}`, gib: [0.5, 1.5] };
    }
  }

  private episodeNoise(show: Series): Name | undefined {
    const r = this.random;
    const episode = this.episode ?? 1;
    const kind = r.weighted<'neighbour' | 'pack'>([['neighbour', 4], ['pack', 1]]);
    if (kind === 'neighbour') {
      // An episode already out, next to the one asked for: a text search finds those too.
      const other = episode - r.int(1, 3);
      if (other < 1) return undefined;
      return this.episodeRelease(show, other);
    }
    // The previous season's pack, or this one's when it is complete.
    const season = show.running ? show.season - 1 : show.season;
    if (season < 1) return undefined;
    const pack = r.weighted<'bluray' | 'web'>([['bluray', 1], ['web', 1]]);
    const tail = pack === 'bluray' ? `1080p.BluRay.x264-${r.pick(ENCODE_GROUPS)}` : `${join('1080p', show.service, 'WEB-DL', 'DDP5.1', 'H.264')}-${r.pick(TV_WEB_GROUPS)}`;
    return { head: `${show.releaseTitle}.S${pad(season)}`, tail, gib: [show.episodes * 1.5, show.episodes * 5] };
  }
}

function build(name: Name): string {
  return `${name.head}.${name.tail}`;
}

const qualities = new Map<string, string>();
/** The scout's quality label for the name (`WEBDL-1080p`, `Remux-2160p`, `CAM`…), as it sends it. */
function qualityOf(title: string): string {
  let quality = qualities.get(title);
  if (quality === undefined) {
    quality = parseReleaseTitle(title).quality;
    qualities.set(title, quality);
  }
  return quality;
}

/** Higher resolutions first, then a stable shuffle: what the scout's ranking does to this list, roughly. */
function rankOf(title: string): number {
  const resolution = /2160p/.test(title) ? 3 : /1080p/.test(title) ? 2 : /720p/.test(title) ? 1 : 0;
  return resolution + fraction(title, 'rank');
}

/** A search's releases in the scout's order: best first. */
export function ranked(releases: Iterable<ListedRelease>): ListedRelease[] {
  return [...releases].sort((a, b) => b.rank - a.rank);
}
