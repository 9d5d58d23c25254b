/**
 * Word lists the fake indexer's generator (`generate: { count }`) draws release titles from:
 * the resolutions, sources, codecs, audio formats and groups found in real scene and P2P
 * names, each with a plausible size range.
 */

export interface FakeResolution {
  readonly tag: '2160p' | '1080p' | '720p' | '576p';
  readonly movieCategory: number;
  readonly tvCategory: number;
  /** Size range of a feature film, GiB; an episode is about an eighth of it. */
  readonly movieGiB: readonly [number, number];
  readonly weight: number;
}

export const FAKE_RESOLUTIONS: readonly FakeResolution[] = [
  { tag: '2160p', movieCategory: 2045, tvCategory: 5045, movieGiB: [14, 80], weight: 3 },
  { tag: '1080p', movieCategory: 2040, tvCategory: 5040, movieGiB: [4, 22], weight: 5 },
  { tag: '720p', movieCategory: 2040, tvCategory: 5040, movieGiB: [1, 6], weight: 3 },
  { tag: '576p', movieCategory: 2030, tvCategory: 5030, movieGiB: [0.7, 2.2], weight: 1 },
];

/** Source tags; `remux` ones are only paired with BluRay-class sizes. */
export const FAKE_SOURCES: readonly { readonly tag: string; readonly remux?: boolean; readonly sizeFactor: number }[] = [
  { tag: 'WEB-DL', sizeFactor: 0.8 },
  { tag: 'AMZN.WEB-DL', sizeFactor: 0.8 },
  { tag: 'NF.WEB-DL', sizeFactor: 0.7 },
  { tag: 'DSNP.WEB-DL', sizeFactor: 0.75 },
  { tag: 'ATVP.WEB-DL', sizeFactor: 0.9 },
  { tag: 'WEBRip', sizeFactor: 0.5 },
  { tag: 'BluRay', sizeFactor: 1 },
  { tag: 'UHD.BluRay', sizeFactor: 1.1 },
  { tag: 'BluRay.REMUX', remux: true, sizeFactor: 1.6 },
  { tag: 'HDTV', sizeFactor: 0.4 },
];

export const FAKE_VIDEO_CODECS: readonly string[] = ['x264', 'x265', 'H.264', 'H.265', 'HEVC', 'AVC'];

export const FAKE_HDR_TAGS: readonly string[] = ['', '', 'HDR', 'DV.HDR', 'HDR10Plus', 'DV'];

export const FAKE_AUDIO: readonly string[] = [
  'DDP5.1',
  'DDP5.1.Atmos',
  'DD5.1',
  'AAC2.0',
  'AAC5.1',
  'DTS-HD.MA.5.1',
  'TrueHD.7.1.Atmos',
  'FLAC2.0',
  'Opus5.1',
];

export const FAKE_GROUPS: readonly string[] = [
  'FLUX',
  'NTb',
  'CMRG',
  'SPARKS',
  'FGT',
  'GECKOS',
  'ROVERS',
  'EDITH',
  'ETHEL',
  'SMURF',
  'TEPES',
  'playWEB',
  'BYNDR',
  'KiNGS',
  'QxR',
  'YIFY',
  'GalaxyRG',
  'PSA',
  'TOMMY',
  'HONE',
];

/** Extra tags that make otherwise identical names distinct, as real releases do. */
export const FAKE_EDITIONS: readonly string[] = ['', '', '', 'REPACK', 'PROPER', 'IMAX', 'Hybrid', 'INTERNAL', 'EXTENDED', 'REMASTERED'];
