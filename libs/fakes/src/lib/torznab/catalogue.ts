/**
 * The curated catalogue the fake Torznab indexer serves by default: a few films and series
 * with the kind of releases real indexers return for them, including cams, fakes and
 * mislabelled ones, and the same info-hash listed by several sites (sometimes under a
 * slightly different title) so that a scout can be tested on merging by info-hash.
 *
 * Ids are the real ones (IMDb, TMDB, TheTVDB). Titles, sizes and dates are plausible; the
 * info-hashes are made up (stable, 40 lower-case hex).
 */

/** The three made-up sites the catalogue is spread over; each fake indexer can serve one. */
export type FakeTorznabSite = 'alpha' | 'beta' | 'gamma';

/** What a scout is expected to make of a release that is not what it claims to be. */
export type FakeTorznabTrait = 'cam' | 'fake' | 'mislabeled';

export interface FakeTorznabWork {
  readonly id: string;
  readonly kind: 'movie' | 'series';
  readonly title: string;
  /** Title as release groups write it (`Dune.Part.Two`, `Shogun`). */
  readonly releaseTitle: string;
  readonly year: number;
  readonly imdbId: string;
  readonly tmdbId: number;
  readonly tvdbId?: number;
  /** For series: the number of episodes of each season, season 1 first. */
  readonly episodesPerSeason?: readonly number[];
}

export interface FakeTorznabRelease {
  readonly title: string;
  /** 40 lower-case hex characters. */
  readonly infoHash: string;
  /** Bytes. */
  readonly size: number;
  /** Newznab category ids, parent first (e.g. 2000, 2045). */
  readonly categories: readonly number[];
  readonly seeders: number;
  /** Seeders plus leechers, as Torznab defines `peers`. */
  readonly peers: number;
  /** ISO 8601. */
  readonly publishDate: string;
  readonly imdbId?: string;
  readonly tmdbId?: number;
  readonly tvdbId?: number;
  readonly season?: number;
  readonly episode?: number;
  readonly files?: number;
  readonly grabs?: number;
  readonly downloadVolumeFactor?: number;
  readonly uploadVolumeFactor?: number;
  readonly minimumRatio?: number;
  /** Seconds. */
  readonly minimumSeedTime?: number;
  /** The sites that list this release (the same info-hash on each). */
  readonly sites: readonly FakeTorznabSite[];
  /** The title a given site shows, when it differs from `title`. */
  readonly titleOn?: Readonly<Partial<Record<FakeTorznabSite, string>>>;
  /** Set on releases a scout should reject or demote. */
  readonly trait?: FakeTorznabTrait;
  /**
   * How the release is advertised: `magnetOnly` leaves out the `infohash` attribute (the
   * hash is only in the magnet link), `base32` writes the magnet's btih in base32.
   */
  readonly advertised?: { readonly magnetOnly?: boolean; readonly base32?: boolean };
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const bytes = (gib: number): number => Math.round(gib * GB);

const DUNE_PART_TWO = { imdbId: 'tt15239678', tmdbId: 693134 } as const;
const DUNE_2021 = { imdbId: 'tt1160419', tmdbId: 438631 } as const;
const OPPENHEIMER = { imdbId: 'tt15398776', tmdbId: 872585 } as const;
const BREAKING_BAD = { imdbId: 'tt0903747', tmdbId: 1396, tvdbId: 81189 } as const;
const SHOGUN = { imdbId: 'tt2788316', tmdbId: 126308 } as const;

const BREAKING_BAD_EPISODES = [7, 13, 13, 13, 16] as const;
/** season, info-hash, GiB, seeders, peers, published, sites */
const BREAKING_BAD_SEASON_PACKS: ReadonlyArray<readonly [number, string, number, number, number, string, readonly FakeTorznabSite[]]> = [
  [1, '4ea856f11734170ddd730caa097c664ed4a9fdf9', 31.2, 410, 455, '2013-06-02T10:00:00Z', ['alpha', 'beta']],
  [2, '3bdba2e71b8d2df7d96cb4928f2ccefd31429f02', 49.8, 366, 402, '2013-06-02T10:05:00Z', ['beta']],
  [3, 'd7acbc1c1f4547f4dde59d0bacb78383f29f9f08', 50.3, 341, 377, '2013-06-02T10:10:00Z', ['alpha', 'beta']],
  [4, '306bfb40269cfd40dc576c9e1875514f2496d6d8', 52.1, 329, 360, '2013-06-02T10:15:00Z', ['beta']],
  [5, 'effd3d5318d1e97ec811f132e35582fd9614eed2', 62.7, 512, 588, '2013-11-27T08:30:00Z', ['alpha', 'beta']],
];

export const FAKE_TORZNAB_WORKS: readonly FakeTorznabWork[] = [
  { id: 'dune-part-two', kind: 'movie', title: 'Dune: Part Two', releaseTitle: 'Dune.Part.Two', year: 2024, imdbId: 'tt15239678', tmdbId: 693134 },
  { id: 'dune-2021', kind: 'movie', title: 'Dune', releaseTitle: 'Dune', year: 2021, imdbId: 'tt1160419', tmdbId: 438631 },
  { id: 'oppenheimer', kind: 'movie', title: 'Oppenheimer', releaseTitle: 'Oppenheimer', year: 2023, imdbId: 'tt15398776', tmdbId: 872585 },
  {
    id: 'breaking-bad',
    kind: 'series',
    title: 'Breaking Bad',
    releaseTitle: 'Breaking.Bad',
    year: 2008,
    imdbId: 'tt0903747',
    tmdbId: 1396,
    tvdbId: 81189,
    episodesPerSeason: BREAKING_BAD_EPISODES,
  },
  {
    id: 'shogun-2024',
    kind: 'series',
    title: 'Shōgun',
    releaseTitle: 'Shogun.2024',
    year: 2024,
    imdbId: 'tt2788316',
    tmdbId: 126308,
    episodesPerSeason: [10],
  },
];

export const FAKE_TORZNAB_RELEASES: readonly FakeTorznabRelease[] = [
  // --- Dune: Part Two (2024) ---------------------------------------------------------------
  {
    title: 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX',
    infoHash: '13c6a7c660984c2f188b439b972976e1f77f8e97',
    size: bytes(25.87),
    categories: [2000, 2045],
    seeders: 1843,
    peers: 2115,
    publishDate: '2024-04-16T07:12:44Z',
    ...DUNE_PART_TWO,
    files: 1,
    grabs: 20411,
    sites: ['alpha', 'beta', 'gamma'],
  },
  {
    title: 'Dune.Part.Two.2024.1080p.WEB-DL.DDP5.1.Atmos.H.264-FLUX',
    infoHash: 'f4fffe6e6cbfd41feba40cbf4a9d500f6c91cee7',
    size: bytes(10.31),
    categories: [2000, 2040],
    seeders: 2612,
    peers: 2990,
    publishDate: '2024-04-16T07:40:02Z',
    ...DUNE_PART_TWO,
    files: 1,
    grabs: 33950,
    sites: ['alpha', 'gamma'],
  },
  {
    title: 'Dune.Part.Two.2024.2160p.UHD.BluRay.REMUX.DV.HDR.HEVC.TrueHD.7.1.Atmos-FGT',
    infoHash: '20ec2e3460efb2c51884e870e3e3fdd2fb27bb7d',
    size: bytes(71.42),
    categories: [2000, 2045],
    seeders: 412,
    peers: 498,
    publishDate: '2024-05-14T02:03:51Z',
    ...DUNE_PART_TWO,
    files: 1,
    grabs: 2210,
    downloadVolumeFactor: 0,
    uploadVolumeFactor: 1,
    minimumRatio: 1,
    minimumSeedTime: 259200,
    sites: ['beta'],
  },
  {
    title: 'Dune.Part.Two.2024.1080p.BluRay.x264-SPARKS',
    infoHash: '1124d25ef65ff598bfeca24393ddbd28bf4c8336',
    size: bytes(14.09),
    categories: [2000, 2040],
    seeders: 988,
    peers: 1104,
    publishDate: '2024-05-14T04:21:09Z',
    ...DUNE_PART_TWO,
    files: 3,
    grabs: 8740,
    sites: ['alpha', 'beta'],
    titleOn: { beta: 'Dune Part Two 2024 1080p BluRay x264-SPARKS' },
  },
  {
    title: 'Dune.Part.Two.2024.720p.WEBRip.x264.AAC-YTS',
    infoHash: '1e282ac1993866eb5ca73e411e50759fbada7dba',
    size: bytes(1.45),
    categories: [2000, 2040],
    seeders: 3120,
    peers: 3388,
    publishDate: '2024-04-17T11:58:30Z',
    ...DUNE_PART_TWO,
    files: 2,
    grabs: 51230,
    sites: ['alpha', 'gamma'],
    titleOn: { gamma: 'Dune: Part Two (2024) [720p] [WEBRip] [YTS.MX]' },
    advertised: { magnetOnly: true },
  },
  {
    title: 'Dune.Part.Two.2024.HDCAM.x264-NOGRP',
    infoHash: '1a7d5a86655c0b20948d12214d797f2a49f28749',
    size: bytes(1.81),
    categories: [2000],
    seeders: 57,
    peers: 240,
    publishDate: '2024-03-02T18:44:12Z',
    ...DUNE_PART_TWO,
    files: 1,
    grabs: 1405,
    sites: ['gamma'],
    trait: 'cam',
  },
  {
    title: 'Dune.Part.Two.2024.2160p.WEB-DL.x265.10bit.HDR.DDP5.1-RARBG',
    infoHash: '933d3b0beae5ec15bdd58ada1eea7ad7ee42c258',
    size: 1_288 * MB,
    categories: [2000],
    seeders: 2,
    peers: 911,
    publishDate: '2024-03-05T09:15:00Z',
    ...DUNE_PART_TWO,
    files: 2,
    grabs: 77,
    sites: ['gamma'],
    trait: 'fake',
  },
  {
    // Really Dune (2021), tagged with Dune: Part Two's ids by the uploader.
    title: 'Dune.2021.1080p.BluRay.DDP7.1.x264-GECKOS',
    infoHash: '7c51ef0463670af0a55678a8423fb49f34d6eb04',
    size: bytes(17.68),
    categories: [2000, 2040],
    seeders: 140,
    peers: 151,
    publishDate: '2024-04-18T13:30:00Z',
    ...DUNE_PART_TWO,
    files: 1,
    grabs: 933,
    sites: ['beta'],
    trait: 'mislabeled',
  },

  // --- Dune (2021) ------------------------------------------------------------------------
  {
    title: 'Dune.2021.2160p.HMAX.WEB-DL.DDP5.1.Atmos.HDR.HEVC-CMRG',
    infoHash: 'c7534e8dab6f50cd20e06ad340f6d303db32766b',
    size: bytes(21.73),
    categories: [2000, 2045],
    seeders: 655,
    peers: 702,
    publishDate: '2021-10-22T05:31:17Z',
    ...DUNE_2021,
    files: 1,
    grabs: 40220,
    sites: ['alpha', 'beta'],
  },
  {
    title: 'Dune.2021.1080p.BluRay.x264-VETO',
    infoHash: '04d4d413a0f75661d13bb4b1ddcffaa19726d227',
    size: bytes(13.12),
    categories: [2000, 2040],
    seeders: 802,
    peers: 876,
    publishDate: '2022-01-11T22:08:45Z',
    ...DUNE_2021,
    files: 3,
    grabs: 25031,
    sites: ['alpha', 'beta', 'gamma'],
  },
  {
    title: 'Dune.2021.720p.WEBRip.x264.AAC-YTS',
    infoHash: '083cc632f00d11ffb35d48e47b5a375e7cd07314',
    size: bytes(1.26),
    categories: [2000, 2040],
    seeders: 1550,
    peers: 1610,
    publishDate: '2021-10-23T01:02:03Z',
    ...DUNE_2021,
    files: 2,
    grabs: 99120,
    sites: ['gamma'],
    advertised: { base32: true, magnetOnly: true },
  },
  {
    // Another film called Dune: what a text-only search for "Dune" also finds.
    title: 'Dune.1984.1080p.BluRay.x264-AMIABLE',
    infoHash: 'ab73c96a511642819848071f111f5fb345f6e57b',
    size: bytes(9.84),
    categories: [2000, 2040],
    seeders: 88,
    peers: 93,
    publishDate: '2010-12-04T16:20:00Z',
    imdbId: 'tt0087182',
    tmdbId: 841,
    files: 3,
    grabs: 6120,
    sites: ['alpha', 'gamma'],
  },

  // --- Oppenheimer (2023) -----------------------------------------------------------------
  {
    title: 'Oppenheimer.2023.IMAX.2160p.UHD.BluRay.REMUX.HDR10.HEVC.DTS-HD.MA.5.1-FGT',
    infoHash: 'd94c3f919ecd6987ced65cc30e81d1be7bab4eb0',
    size: bytes(78.35),
    categories: [2000, 2045],
    seeders: 301,
    peers: 355,
    publishDate: '2023-11-21T03:44:10Z',
    ...OPPENHEIMER,
    files: 1,
    grabs: 3410,
    downloadVolumeFactor: 0.5,
    uploadVolumeFactor: 2,
    sites: ['beta'],
  },
  {
    title: 'Oppenheimer.2023.1080p.BluRay.DDP5.1.x264-ZoroSenpai',
    infoHash: 'b1dd46beb37b95de4dd661cf90525f5ec0f12123',
    size: bytes(19.97),
    categories: [2000, 2040],
    seeders: 1207,
    peers: 1288,
    publishDate: '2023-11-21T09:12:33Z',
    ...OPPENHEIMER,
    files: 1,
    grabs: 15408,
    sites: ['alpha', 'beta'],
  },
  {
    title: 'Oppenheimer.2023.2160p.AMZN.WEB-DL.DDP5.1.HDR.H.265-FLUX',
    infoHash: '684a060578006a26045a2c8c1813fab28c903a48',
    size: bytes(27.44),
    categories: [2000, 2045],
    seeders: 744,
    peers: 790,
    publishDate: '2023-11-21T02:10:59Z',
    ...OPPENHEIMER,
    files: 1,
    grabs: 12012,
    sites: ['alpha', 'gamma'],
  },
  {
    title: 'Oppenheimer.2023.720p.WEBRip.x264-GalaxyRG',
    infoHash: 'ccaece5543941e2925854ae4db84c223d7cb9a53',
    size: bytes(1.62),
    categories: [2000, 2040],
    seeders: 2301,
    peers: 2460,
    publishDate: '2023-11-22T14:00:41Z',
    ...OPPENHEIMER,
    files: 3,
    grabs: 70433,
    sites: ['gamma'],
  },
  {
    title: 'Oppenheimer.2023.1080p.HDTS.x264-C1NEM4',
    infoHash: '946e4252c386202c3d0683af2ccca6029969c465',
    size: bytes(2.71),
    categories: [2000, 2040],
    seeders: 35,
    peers: 198,
    publishDate: '2023-07-24T20:11:06Z',
    ...OPPENHEIMER,
    files: 1,
    grabs: 5300,
    sites: ['alpha', 'gamma'],
    trait: 'cam',
  },

  // --- Breaking Bad (2008) ----------------------------------------------------------------
  ...BREAKING_BAD_SEASON_PACKS.map(
    ([season, infoHash, gib, seeders, peers, publishDate, sites]): FakeTorznabRelease => ({
      title: `Breaking.Bad.S0${season}.1080p.BluRay.x264-ROVERS`,
      infoHash,
      size: bytes(gib),
      categories: [5000, 5040],
      seeders,
      peers,
      publishDate,
      ...BREAKING_BAD,
      season,
      files: BREAKING_BAD_EPISODES[season - 1] ?? 0,
      grabs: 9000 - season * 800,
      sites,
    }),
  ),
  {
    title: 'Breaking.Bad.S05.2160p.NF.WEB-DL.DDP5.1.HDR.HEVC-NTb',
    infoHash: '68c4800feee764a4c67a9dceb81fbfe96946abd6',
    size: bytes(118.4),
    categories: [5000, 5045],
    seeders: 97,
    peers: 110,
    publishDate: '2021-03-09T19:27:31Z',
    ...BREAKING_BAD,
    season: 5,
    files: 16,
    grabs: 1204,
    downloadVolumeFactor: 0,
    uploadVolumeFactor: 1,
    sites: ['beta'],
  },
  {
    title: 'Breaking.Bad.Complete.Series.1080p.BluRay.x265.10bit.AAC.5.1-Vyndros',
    infoHash: '56de69d1929f229cb121df4d61a0d9ae7d5fc5ac',
    size: bytes(86.09),
    categories: [5000, 5040],
    seeders: 1390,
    peers: 1502,
    publishDate: '2019-09-01T12:00:00Z',
    ...BREAKING_BAD,
    files: 62,
    grabs: 48800,
    sites: ['alpha', 'gamma'],
  },
  {
    title: 'Breaking.Bad.S01E01.Pilot.1080p.BluRay.x264-ROVERS',
    infoHash: '5b7c18822a3650cf7ab75be32fe1c2505c2e0f87',
    size: bytes(4.37),
    categories: [5000, 5040],
    seeders: 61,
    peers: 66,
    publishDate: '2013-06-02T09:10:00Z',
    ...BREAKING_BAD,
    season: 1,
    episode: 1,
    files: 1,
    grabs: 3020,
    sites: ['alpha', 'beta'],
  },
  {
    title: 'Breaking.Bad.S01E02.1080p.BluRay.x264-ROVERS',
    infoHash: '81bf10565f5a2e1b112156961321c6988a82625d',
    size: bytes(4.36),
    categories: [5000, 5040],
    seeders: 44,
    peers: 47,
    publishDate: '2013-06-02T09:11:00Z',
    ...BREAKING_BAD,
    season: 1,
    episode: 2,
    files: 1,
    grabs: 2740,
    sites: ['alpha'],
  },
  {
    title: 'Breaking.Bad.S01E03.720p.HDTV.x264-CTU',
    infoHash: '5b7d98d16e4f758c0acb9e4a35ab9c3b931c9141',
    size: bytes(1.1),
    categories: [5000, 5040],
    seeders: 9,
    peers: 11,
    publishDate: '2008-02-04T06:12:00Z',
    ...BREAKING_BAD,
    season: 1,
    episode: 3,
    files: 1,
    grabs: 880,
    sites: ['gamma'],
  },
  {
    title: 'Breaking.Bad.S04E13.Face.Off.1080p.BluRay.x264-ROVERS',
    infoHash: '561a00d4d30c9b19d54adb10b2798d0f40b05399',
    size: bytes(4.39),
    categories: [5000, 5040],
    seeders: 73,
    peers: 80,
    publishDate: '2013-06-02T09:40:00Z',
    ...BREAKING_BAD,
    season: 4,
    episode: 13,
    files: 1,
    grabs: 4120,
    sites: ['alpha', 'beta'],
  },
  {
    title: 'Breaking.Bad.S05E14.Ozymandias.1080p.BluRay.x264-ROVERS',
    infoHash: '95faa11623ce4f020709ff1a7183c7e486567a3a',
    size: bytes(3.92),
    categories: [5000, 5040],
    seeders: 130,
    peers: 141,
    publishDate: '2013-11-27T07:40:00Z',
    ...BREAKING_BAD,
    season: 5,
    episode: 14,
    files: 1,
    grabs: 7810,
    sites: ['alpha', 'beta', 'gamma'],
    titleOn: { gamma: 'Breaking Bad S05E14 Ozymandias 1080p BluRay x264-ROVERS' },
  },
  {
    title: 'Breaking.Bad.S05E16.720p.HDTV.x264-IMMERSE',
    infoHash: '4c73dc8d5efd25f15d4e11bd397bdf1afaffa6f2',
    size: 1_572 * MB,
    categories: [5000, 5040],
    seeders: 38,
    peers: 40,
    publishDate: '2013-09-30T03:31:08Z',
    ...BREAKING_BAD,
    season: 5,
    episode: 16,
    files: 1,
    grabs: 61022,
    sites: ['alpha', 'gamma'],
  },
  {
    title: 'Breaking.Bad.S05E16.Felina.1080p.BluRay.x264-ROVERS',
    infoHash: 'cf7738514eb29468847a37897e1de523ae6409c4',
    size: bytes(4.88),
    categories: [5000, 5040],
    seeders: 156,
    peers: 170,
    publishDate: '2013-11-27T07:55:00Z',
    ...BREAKING_BAD,
    season: 5,
    episode: 16,
    files: 1,
    grabs: 9013,
    sites: ['beta'],
    advertised: { magnetOnly: true },
  },
  {
    // There is no sixth season.
    title: 'Breaking.Bad.S06E01.1080p.WEB.H264-GGEZ',
    infoHash: 'ae47b90db5e7195cee5e4a1e256c4095d3390a9f',
    size: 2_345 * MB,
    categories: [5000, 5040],
    seeders: 3,
    peers: 402,
    publishDate: '2024-08-11T23:59:00Z',
    ...BREAKING_BAD,
    season: 6,
    episode: 1,
    files: 2,
    grabs: 12,
    sites: ['gamma'],
    trait: 'fake',
  },
  {
    // El Camino (the film), filed by the uploader as the series' last episode.
    title: 'El.Camino.A.Breaking.Bad.Movie.2019.1080p.NF.WEB-DL.DDP5.1.x264-NTG',
    infoHash: 'bbcccf2124b73043f35f419e8e4c1c9c1d6441ca',
    size: bytes(5.76),
    categories: [5000, 5040],
    seeders: 212,
    peers: 230,
    publishDate: '2019-10-11T08:14:26Z',
    ...BREAKING_BAD,
    season: 5,
    episode: 16,
    files: 1,
    grabs: 18001,
    sites: ['gamma'],
    trait: 'mislabeled',
  },

  // --- Shōgun (2024) ----------------------------------------------------------------------
  {
    title: 'Shogun.2024.S01E01.Anjin.2160p.DSNP.WEB-DL.DDP5.1.DV.HDR.H.265-FLUX',
    infoHash: '1a686dff540a5c7e7ec803a0a91194bf17b29ba8',
    size: bytes(7.92),
    categories: [5000, 5045],
    seeders: 388,
    peers: 420,
    publishDate: '2024-02-27T04:02:11Z',
    ...SHOGUN,
    season: 1,
    episode: 1,
    files: 1,
    grabs: 9702,
    sites: ['alpha', 'beta'],
  },
  {
    title: 'Shogun.2024.S01E01.1080p.WEB.h264-ETHEL',
    infoHash: '08b00bd08c692082fba6f08ec6b44ff6f921da22',
    size: bytes(3.02),
    categories: [5000, 5040],
    seeders: 905,
    peers: 963,
    publishDate: '2024-02-27T03:20:40Z',
    ...SHOGUN,
    season: 1,
    episode: 1,
    files: 2,
    grabs: 28044,
    sites: ['alpha', 'beta', 'gamma'],
  },
  {
    title: 'Shōgun.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb',
    infoHash: 'e8290e62f4735e7b02fcd6d9c8f19aaed458ae0f',
    size: bytes(2.87),
    categories: [5000, 5040],
    seeders: 512,
    peers: 540,
    publishDate: '2024-04-16T03:05:19Z',
    ...SHOGUN,
    season: 1,
    episode: 9,
    files: 1,
    grabs: 14203,
    sites: ['beta', 'gamma'],
    titleOn: { gamma: 'Shogun.2024.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb' },
  },
  {
    title: 'Shogun.2024.S01.COMPLETE.1080p.DSNP.WEB-DL.DDP5.1.H.264-NTb',
    infoHash: '19114ba567017058ca1f700083a50e2c2e0c2bab',
    size: bytes(33.6),
    categories: [5000, 5040],
    seeders: 1460,
    peers: 1533,
    publishDate: '2024-04-23T06:44:02Z',
    ...SHOGUN,
    season: 1,
    files: 11,
    grabs: 41288,
    sites: ['alpha', 'beta', 'gamma'],
  },
  {
    title: 'Shogun.2024.S01.2160p.DSNP.WEB-DL.DDP5.1.DV.HDR.H.265-FLUX',
    infoHash: '57ae7b9954394e035e65cb5a867f73fb1cca4459',
    size: bytes(84.2),
    categories: [5000, 5045],
    seeders: 233,
    peers: 260,
    publishDate: '2024-04-23T07:30:55Z',
    ...SHOGUN,
    season: 1,
    files: 10,
    grabs: 5120,
    downloadVolumeFactor: 0,
    uploadVolumeFactor: 1,
    sites: ['beta'],
    advertised: { base32: true },
  },
  {
    // The 1980 mini-series: what a text-only search for "Shogun" also finds.
    title: 'Shogun.1980.S01.1080p.BluRay.x264-OFT',
    infoHash: 'b5b29cfad75dee4ba75bf6442ef5698dac9cef50',
    size: bytes(38.9),
    categories: [5000, 5040],
    seeders: 21,
    peers: 23,
    publishDate: '2020-05-30T18:00:00Z',
    imdbId: 'tt0080274',
    season: 1,
    files: 5,
    grabs: 730,
    sites: ['alpha'],
  },
];
