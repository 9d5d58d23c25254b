import { parseReleaseTitle } from '@sokoul/release-parser';
import { DEFAULT_QUALITY_PROFILE, DEFAULT_QUALITY_PROFILES } from './default-profiles';
import { type QualityProfile, type QualityProfileInput, qualityProfileSchema } from './quality-profile';
import { type RankingContext, type ReleaseCandidate, type ReleaseRanking, rankRelease, rankReleases } from './rank-release';
import { tokenizeTitle } from './title-tokens';

const GiB = 1024 ** 3;
const MB = 1_000_000;

type Extra = Omit<ReleaseCandidate, 'title' | 'parsed' | 'tokens' | 'sizeBytes' | 'seeders'>;

/** A candidate as the scout would hand it over: parsed and tokenised once. */
function release(title: string, sizeBytes: number, seeders: number | null, extra: Extra = {}): ReleaseCandidate {
  return { title, parsed: parseReleaseTitle(title), tokens: tokenizeTitle(title), sizeBytes, seeders, ...extra };
}

function profile(input: QualityProfileInput): QualityProfile {
  return qualityProfileSchema.parse(input);
}

/** Titles, for readable failures. */
function titles(items: readonly (ReleaseCandidate | { readonly candidate: ReleaseCandidate })[]): string[] {
  return items.map((item) => ('candidate' in item ? item.candidate.title : item.title));
}

function codes(ranking: ReleaseRanking): string[] {
  return ranking.rejections.map((rejection) => rejection.code);
}

function expectReasonsToAddUp(ranking: ReleaseRanking): void {
  expect(ranking.reasons.reduce((sum, reason) => sum + reason.points, 0)).toBe(ranking.score);
}

function defaultProfile(key: string): QualityProfile {
  const found = DEFAULT_QUALITY_PROFILES.find((entry) => entry.key === key);
  if (!found) throw new Error(`no default profile ${key}`);
  return found.profile;
}

describe('rankReleases for a film: Dune: Part Two (2024)', () => {
  const dune: RankingContext = { kind: 'movie', title: 'Dune: Part Two', year: 2024 };

  const remux = release('Dune.Part.Two.2024.2160p.UHD.BluRay.REMUX.DV.HDR10.HEVC.TrueHD.7.1.Atmos-FGT', 78 * GiB, 45);
  const web2160 = release('Dune.Part.Two.2024.2160p.AMZN.WEB-DL.DDP5.1.Atmos.DV.HDR10.H.265-FLUX', 24 * GiB, 310);
  const bluray = release('Dune.Part.Two.2024.1080p.BluRay.x264-SPARKS', 14 * GiB, 120);
  const proper = release('Dune.Part.Two.2024.PROPER.1080p.BluRay.x264-SPARKS', 14 * GiB, 12);
  const webrip = release('Dune.Part.Two.2024.1080p.WEBRip.x265.10bit.AAC5.1-YTS', 2.4 * GiB, 2400);
  const web720 = release('Dune.Part.Two.2024.720p.WEB-DL.DDP5.1.H.264-NTb', 3.2 * GiB, 80);
  const hdcam = release('Dune.Part.Two.2024.HDCAM.x264-AOC', 1.5 * GiB, 900);
  const telesync = release('Dune Part Two (2024) 1080p TS x264', 2 * GiB, 500);
  const fake = release('Dune.Part.Two.2024.1080p.BluRay.x264-FAKE', 300 * MB, 3000);
  const wrongYear = release('Dune.2019.1080p.BluRay.x264-GROUP', 9 * GiB, 60);
  const all = [telesync, fake, web720, wrongYear, hdcam, webrip, bluray, remux, proper, web2160];

  const films = profile({
    name: 'Films',
    qualities: ['Remux-2160p', 'Bluray-2160p', 'WEBDL-2160p', 'Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p', 'WEBDL-720p'],
    cutoff: 'WEBDL-2160p',
    sizeLimits: { 'Bluray-1080p': { minMiB: 4000, maxMiB: 30000 }, 'WEBRip-1080p': { minMiB: 1000 } },
    terms: [{ term: 'x265', kind: 'preferred', score: 50 }],
  });

  const ranked = rankReleases(all, films, dune);
  const byTitle = (candidate: ReleaseCandidate) => ranked.find((entry) => entry.candidate === candidate)!.ranking;

  it('puts the accepted releases first, best quality first', () => {
    expect(titles(ranked)).toEqual(titles([remux, web2160, proper, bluray, webrip, web720, fake, wrongYear, hdcam, telesync]));
    expect(ranked.map((entry) => entry.ranking.accepted)).toEqual([true, true, true, true, true, true, false, false, false, false]);
  });

  it('explains every score with reasons that add up to it', () => {
    for (const { ranking } of ranked) expectReasonsToAddUp(ranking);
    expect(byTitle(webrip).reasons).toEqual([
      { code: 'quality', points: 2 * 100_000, detail: 'WEBRip-1080p is 6th of the 7 qualities in "Films"' },
      { code: 'preferred-term', points: 50_000, detail: 'Matches "x265" (term score +50)' },
      { code: 'seeders', points: 42, detail: '2400 seeders' },
    ]);
    expect(byTitle(proper).reasons.map((reason) => [reason.code, reason.detail])).toEqual([
      ['quality', 'Bluray-1080p is 4th of the 7 qualities in "Films"'],
      ['revision', 'PROPER: a corrected re-release'],
      ['seeders', '12 seeders'],
    ]);
  });

  it('says why each refused release is refused', () => {
    expect(byTitle(hdcam).rejections).toEqual([
      { code: 'cam', detail: 'CAM is a camera recording made in a cinema, which "Films" does not allow' },
    ]);
    expect(byTitle(telesync).rejections).toEqual([
      { code: 'cam', detail: 'TELESYNC is a camera recording made in a cinema with a direct audio feed, which "Films" does not allow' },
    ]);
    expect(byTitle(fake).rejections).toEqual([{ code: 'too-small', detail: '286 MiB is below the 4000 MiB minimum for Bluray-1080p' }]);
    expect(byTitle(wrongYear).rejections).toEqual([{ code: 'wrong-year', detail: 'Dune: Part Two is from 2024; this release is from 2019' }]);
  });

  it('lets a better quality outrank a worse one whatever the seeders and terms', () => {
    // 45 seeders, no preferred term, against 2400 seeders and x265.
    expect(byTitle(remux).score).toBeGreaterThan(byTitle(webrip).score);
    expect(byTitle(bluray).score).toBeGreaterThan(byTitle(webrip).score);
  });

  it('lets a PROPER outrank the release it fixes despite fewer seeders', () => {
    expect(byTitle(proper).score).toBeGreaterThan(byTitle(bluray).score);
    expect(proper.seeders!).toBeLessThan(bluray.seeders!);
  });

  it('reports the quality rank and whether the cutoff is met', () => {
    expect([remux, web2160, bluray, web720].map((candidate) => [byTitle(candidate).qualityRank, byTitle(candidate).meetsCutoff])).toEqual([
      [1, true],
      [3, true],
      [4, false],
      [7, false],
    ]);
    expect(byTitle(hdcam)).toMatchObject({ quality: 'CAM', qualityRank: null, meetsCutoff: false });
  });

  it('re-ranks the same parsed candidates under another profile', () => {
    const hd = rankReleases(all, DEFAULT_QUALITY_PROFILE, dune);
    const accepted = hd.filter((entry) => entry.ranking.accepted).map((entry) => entry.candidate);
    // HD-1080p has no size limits, so it cannot tell the 300 MB fake from a real encode: see the README.
    expect(titles(accepted)).toEqual(titles([proper, fake, bluray, webrip]));
    expect(hd.find((entry) => entry.candidate === remux)!.ranking.rejections).toEqual([
      { code: 'quality-not-allowed', detail: 'Remux-2160p is not one of the qualities "HD-1080p" allows' },
    ]);
    // Same objects, ranked again: nothing was parsed a second time.
    expect(new Set(hd.map((entry) => entry.candidate))).toEqual(new Set(all));

    const ultra = rankReleases(all, defaultProfile('ultra-hd'), dune).filter((entry) => entry.ranking.accepted);
    expect(titles(ultra)).toEqual(titles([remux, web2160]));
  });

  it('prefers what the terms say once qualities are equal', () => {
    const x265First = profile({ ...films, terms: [{ term: 'x264', kind: 'preferred', score: -100 }] });
    const order = rankReleases([bluray, webrip], profile({ ...x265First, qualities: ['WEBRip-1080p', 'Bluray-1080p'], cutoff: 'Bluray-1080p' }), dune);
    expect(titles(order)).toEqual(titles([webrip, bluray]));
    const equalQualities = rankReleases(
      [release('Movie.2024.1080p.BluRay.x264-A', 10 * GiB, 900), release('Movie.2024.1080p.BluRay.x265-B', 10 * GiB, 1)],
      x265First,
    );
    expect(equalQualities.map((entry) => entry.candidate.title)).toEqual(['Movie.2024.1080p.BluRay.x265-B', 'Movie.2024.1080p.BluRay.x264-A']);
  });
});

describe('rankReleases for an episode: Breaking Bad S05E14', () => {
  const asked: RankingContext = { kind: 'series', title: 'Breaking Bad', season: 5, episode: 14, episodesInSeason: 16 };

  const episode = release('Breaking.Bad.S05E14.Ozymandias.1080p.BluRay.x264-ROVERS', 2.9 * GiB, 150);
  const pack = release('Breaking.Bad.S05.1080p.BluRay.x264-ROVERS', 46 * GiB, 210);
  const previous = release('Breaking.Bad.S05E13.1080p.BluRay.x264-ROVERS', 2.8 * GiB, 140);
  const web = release('Breaking Bad S05E14 1080p WEB-DL DD5.1 H.264-BS', 1.8 * GiB, 40);
  const hdtv = release('Breaking.Bad.S05E14.720p.HDTV.x264-EVOLVE', 1.1 * GiB, 30);
  const repack = release('Breaking.Bad.S05E14.REPACK.720p.HDTV.x264-EVOLVE', 1.1 * GiB, 5);
  const lastSeason = release('Breaking.Bad.S04E14.1080p.BluRay.x264-ROVERS', 2.7 * GiB, 90);
  const extras = release('Breaking.Bad.S05.Extras.1080p.BluRay.x264-ROVERS', 8 * GiB, 12);
  const all = [hdtv, extras, pack, web, previous, lastSeason, repack, episode];

  const series = profile({
    ...defaultProfile('hd-720p-1080p'),
    name: 'Series',
    sizeLimits: { 'Bluray-1080p': { maxMiB: 4000 } },
  });
  const ranked = rankReleases(all, series, asked);
  const rankingOf = (candidate: ReleaseCandidate) => ranked.find((entry) => entry.candidate === candidate)!.ranking;

  it('orders the episode, then the season pack holding it, then lower qualities', () => {
    expect(titles(ranked.filter((entry) => entry.ranking.accepted))).toEqual(titles([episode, pack, web, repack, hdtv]));
    for (const { ranking } of ranked) expectReasonsToAddUp(ranking);
  });

  it('prefers the asked episode alone to a pack with more seeders, as a tie-breaker', () => {
    expect(rankingOf(episode).reasons.map((reason) => reason.code)).toEqual(['quality', 'seeders', 'single-episode']);
    expect(rankingOf(pack).reasons.map((reason) => reason.code)).toEqual(['quality', 'seeders']);
  });

  it('checks the size of a season pack per episode', () => {
    expect(rankingOf(pack).rejections).toEqual([]);
    const tight = profile({ ...series, sizeLimits: { 'Bluray-1080p': { maxMiB: 2500 } } });
    expect(rankRelease(pack, tight, asked).rejections).toEqual([
      { code: 'too-large', detail: '2.9 GiB per episode (46.0 GiB over 16 episodes) is above the 2500 MiB maximum for Bluray-1080p' },
    ]);
    // Without the season's length the pack cannot be measured, and is let through.
    expect(rankRelease(pack, tight, { ...asked, episodesInSeason: undefined }).rejections).toEqual([]);
  });

  it('refuses other episodes, other seasons and extras', () => {
    expect(rankingOf(previous).rejections).toEqual([{ code: 'wrong-episode', detail: 'Asked for S05E14; this release is S05E13' }]);
    expect(rankingOf(lastSeason).rejections).toEqual([{ code: 'wrong-season', detail: 'Asked for S05E14; this release is S04E14' }]);
    expect(rankingOf(extras).rejections).toEqual([{ code: 'wrong-episode', detail: "Asked for S05E14; this release holds the season's extras" }]);
  });

  it('accepts every release of the season when the whole season is asked', () => {
    const season = rankReleases(all, series, { kind: 'series', season: 5, episodesInSeason: 16 });
    expect(titles(season.filter((entry) => !entry.ranking.accepted))).toEqual(titles([lastSeason]));
  });

  it('lets a REPACK outrank the release it fixes', () => {
    expect(rankingOf(repack).score).toBeGreaterThan(rankingOf(hdtv).score);
    expect(rankingOf(repack).reasons.find((reason) => reason.code === 'revision')).toEqual({
      code: 'revision',
      points: 100,
      detail: 'REPACK: a corrected re-release',
    });
  });

  it('refuses a film where an episode is asked, and an episode where a film is', () => {
    expect(codes(rankRelease(release('Dune.Part.Two.2024.1080p.BluRay.x264-SPARKS', 14 * GiB, 10), series, asked))).toEqual(['wrong-season', 'too-large']);
    expect(rankRelease(episode, series, { kind: 'movie', year: 2013 }).rejections).toEqual([
      { code: 'wrong-kind', detail: 'This is S05E14, not a film' },
    ]);
  });
});

describe('rankRelease rules', () => {
  const base = profile({ name: 'Test', qualities: ['Bluray-1080p', 'WEBDL-1080p'], cutoff: 'WEBDL-1080p' });
  const title = 'Some.Movie.2024.1080p.WEB-DL.DDP5.1.H.264-GROUP';

  it('refuses ignored terms and releases without any required term', () => {
    const terms = profile({
      ...base,
      terms: [
        { term: 'hevc', kind: 'required' },
        { term: 'x265', kind: 'required' },
        { term: 'group', kind: 'ignored' },
      ],
    });
    expect(rankRelease(release(title, 4 * GiB, 10), terms).rejections).toEqual([
      { code: 'ignored-term', detail: 'Contains the ignored term "group"' },
      { code: 'required-term-missing', detail: 'Contains none of the required terms "hevc", "x265"' },
    ]);
    expect(rankRelease(release('Some.Movie.2024.1080p.WEB-DL.DDP5.1.HEVC-OTHER', 4 * GiB, 10), terms).accepted).toBe(true);
  });

  it('refuses releases whose term score is below the minimum', () => {
    const picky = profile({ ...base, terms: [{ term: 'ddp5.1', kind: 'preferred', score: 10 }], minPreferredScore: 20 });
    expect(rankRelease(release(title, 4 * GiB, 10), picky).rejections).toEqual([
      { code: 'below-minimum-score', detail: "Term score 10 is below the profile's minimum of 20" },
    ]);
  });

  it('counts a negative preferred term against a release', () => {
    const ranking = rankRelease(release(title, 4 * GiB, null), profile({ ...base, terms: [{ term: 'h264', kind: 'preferred', score: -30 }] }));
    expect(ranking.reasons).toContainEqual({ code: 'preferred-term', points: -30_000, detail: 'Matches "h264" (term score -30)' });
    expectReasonsToAddUp(ranking);
  });

  it('requires every listed language, counting MULTi releases as having them', () => {
    const french = profile({ ...base, languages: ['french'] });
    expect(rankRelease(release('Some.Movie.2024.FRENCH.1080p.WEB.H264-GROUP', GiB, 10), french).accepted).toBe(true);
    expect(rankRelease(release('Some.Movie.2024.MULTi.1080p.WEB.H264-GROUP', GiB, 10), french).accepted).toBe(true);
    expect(rankRelease(release(title, GiB, 10), french).rejections).toEqual([
      { code: 'language-missing', detail: 'Lacks French audio (the title names no language; English assumed)' },
    ]);
    expect(rankRelease(release(title, GiB, 10), french, { originalLanguage: 'french' }).accepted).toBe(true);
    expect(rankRelease(release('Some.Movie.2024.GERMAN.1080p.WEB.H264-GROUP', GiB, 10), profile({ ...base, languages: ['french', 'english'] })).rejections).toEqual([
      { code: 'language-missing', detail: 'Lacks French and English audio (the title names German)' },
    ]);
  });

  it('refuses too few seeders but not unknown seeders', () => {
    expect(rankRelease(release(title, GiB, 0), base).rejections).toEqual([
      { code: 'not-enough-seeders', detail: '0 seeders; the profile needs at least 1' },
    ]);
    const usenet = rankRelease(release(title, GiB, null), base);
    expect(usenet.accepted).toBe(true);
    expect(usenet.reasons.map((reason) => reason.code)).toEqual(['quality']);
  });

  it('treats a seeders count that is not a number as unknown', () => {
    const ranking = rankRelease(release(title, Number.NaN, Number.NaN), base);
    expect(ranking).toMatchObject({ score: 1000, accepted: true });
  });

  it('refuses a blocklisted release', () => {
    expect(rankRelease(release(title, GiB, 10, { blocklisted: true }), base).rejections).toEqual([
      { code: 'blocklisted', detail: 'This release is on the blocklist' },
    ]);
  });

  it('skips size limits when the size is unknown', () => {
    const sized = profile({ ...base, sizeLimits: { 'WEBDL-1080p': { minMiB: 1000 } } });
    expect(rankRelease(release(title, 0, 10), sized).accepted).toBe(true);
    expect(codes(rankRelease(release(title, 500 * MB, 10), sized))).toEqual(['too-small']);
  });

  it('accepts a pre-release quality only when the profile lists it', () => {
    const cam = release('Some.Movie.2024.HDCAM.x264-GROUP', GiB, 10);
    expect(codes(rankRelease(cam, base))).toEqual(['cam']);
    expect(rankRelease(cam, profile({ name: 'Anything', qualities: ['WEBDL-1080p', 'CAM'], cutoff: 'WEBDL-1080p' })).accepted).toBe(true);
    expect(rankRelease(release('Some.Movie.2024.DVDSCR.x264-GROUP', GiB, 10), base).rejections).toEqual([
      { code: 'cam', detail: 'DVDSCR is a screener copy sent out before release, which "Test" does not allow' },
    ]);
  });

  it('accepts a film a year off, for festival and theatrical years', () => {
    expect(rankRelease(release('Some.Movie.2023.1080p.WEB-DL.H.264-GROUP', GiB, 10), base, { kind: 'movie', year: 2024 }).accepted).toBe(true);
    expect(rankRelease(release('Some.Movie.2022.1080p.WEB-DL.H.264-GROUP', GiB, 10), base, { kind: 'movie', year: 2024 }).rejections).toEqual([
      { code: 'wrong-year', detail: 'The film is from 2024; this release is from 2022' },
    ]);
  });

  it('adds freeleech and indexer priority as tie-breakers', () => {
    const ranking = rankRelease(release(title, GiB, 9, { freeleech: true, indexerPriority: 1 }), base);
    expect(ranking.reasons).toEqual([
      { code: 'quality', points: 1000, detail: 'WEBDL-1080p is 2nd of the 2 qualities in "Test"' },
      { code: 'seeders', points: 13, detail: '9 seeders' },
      { code: 'freeleech', points: 10, detail: 'Freeleech: the download does not count against your ratio' },
      { code: 'indexer-priority', points: 20, detail: 'Indexer priority 1 (1 is the most preferred, 50 the least)' },
    ]);
    expect(ranking.score).toBe(1043);
  });

  it('keeps the bands apart: terms above revisions, revisions above every tie-breaker', () => {
    const scored = profile({ ...base, terms: [{ term: 'flux', kind: 'preferred', score: 1 }] });
    const best = { seeders: 100_000, extra: { freeleech: true, indexerPriority: 1 } };
    const preferred = release('Some.Movie.2024.1080p.WEB-DL.H.264-FLUX', GiB, 1);
    const properOnly = release('Some.Movie.2024.PROPER.1080p.WEB-DL.H.264-GROUP', GiB, 1);
    const popular = release('Some.Movie.2024.1080p.WEB-DL.H.264-GROUP', GiB, best.seeders, best.extra);
    expect(titles(rankReleases([popular, properOnly, preferred], scored))).toEqual(titles([preferred, properOnly, popular]));
  });
});

describe('quality dominance', () => {
  /** A small deterministic generator, so the property is checked on the same cases every run. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }

  it('holds for every pair, whatever terms, revisions, seeders and flags add', () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const heavy = profile({
      name: 'Heavy',
      qualities: ['Remux-2160p', 'WEBDL-2160p', 'Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p', 'HDTV-720p'],
      cutoff: 'Bluray-1080p',
      terms: [
        { term: 'x265', kind: 'preferred', score: 10_000 },
        { term: 'hdr10', kind: 'preferred', score: 9_999 },
        { term: 'dv', kind: 'preferred', score: 7_777 },
        { term: 'yts', kind: 'preferred', score: -10_000 },
        { term: 'atmos', kind: 'preferred', score: 3 },
      ],
    });
    const qualities = ['2160p.UHD.BluRay.REMUX', '2160p.WEB-DL', '1080p.BluRay', '1080p.WEB-DL', '1080p.WEBRip', '720p.HDTV'];
    const candidates = Array.from({ length: 300 }, (_, i) => {
      const tags = [pick(qualities), pick(['x264', 'x265']), pick(['', 'DV.HDR10', 'HDR10']), pick(['', 'Atmos']), pick(['', 'REAL.PROPER', 'REPACK'])];
      const title = `Some.Movie.2024.${tags.filter(Boolean).join('.')}-${pick(['YTS', 'FLUX', 'GRP'])}${i}`;
      return release(title, GiB, Math.floor(next() * 50_000), { freeleech: next() < 0.5, indexerPriority: 1 + Math.floor(next() * 50) });
    });
    const rankings = candidates.map((candidate) => rankRelease(candidate, heavy));
    let pairs = 0;
    const inversions: string[] = [];
    for (const a of rankings) {
      for (const b of rankings) {
        if (a.qualityRank === null || b.qualityRank === null || a.qualityRank >= b.qualityRank) continue;
        pairs++;
        if (a.score <= b.score) inversions.push(`${a.quality} ${a.score} <= ${b.quality} ${b.score}`);
      }
      expectReasonsToAddUp(a);
    }
    expect(pairs).toBeGreaterThan(10_000);
    expect(inversions).toEqual([]);
  });
});

describe('rankReleases ordering', () => {
  const profile = DEFAULT_QUALITY_PROFILE;
  const twins = [
    release('Movie.2024.1080p.BluRay.x264-B', 10 * GiB, 50, { peers: 5, publishedAt: new Date('2024-05-01') }),
    release('Movie.2024.1080p.BluRay.x264-A', 10 * GiB, 50, { peers: 5, publishedAt: new Date('2024-05-02') }),
    release('Movie.2024.1080p.BluRay.x264-C', 12 * GiB, 50, { peers: 5 }),
    release('Movie.2024.1080p.BluRay.x264-D', 10 * GiB, 51, { peers: 1 }),
    release('Movie.2024.1080p.BluRay.x264-E', 10 * GiB, 50, { peers: 9 }),
    release('Movie.2024.1080p.BluRay.x264-F', 10 * GiB, 50, { peers: 5, publishedAt: new Date('2024-05-02') }),
  ];

  it('breaks equal scores by seeders, peers, size, then newest, then title', () => {
    expect(new Set(twins.map((candidate) => rankRelease(candidate, profile).score)).size).toBe(1);
    expect(rankReleases(twins, profile).map((entry) => entry.candidate.title.slice(-1))).toEqual(['D', 'E', 'C', 'A', 'F', 'B']);
  });

  it('gives the same order whatever the input order, and leaves the input alone', () => {
    const reversed = [...twins].reverse();
    const copy = [...reversed];
    expect(titles(rankReleases(reversed, profile))).toEqual(titles(rankReleases(twins, profile)));
    expect(reversed).toEqual(copy);
  });

  it('ranks the same with or without pre-computed tokens', () => {
    const { tokens: _tokens, ...bare } = twins[0];
    expect(rankRelease(bare, profile)).toEqual(rankRelease(twins[0], profile));
  });
});
