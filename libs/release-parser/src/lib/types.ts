/**
 * The vocabulary of a parsed release. Every field is read-only, and `null` (or an empty list)
 * means the title does not say.
 */

/** Vertical resolution. 360p and 540p releases are reported as 480 (SD), as Sonarr and Radarr do. */
export type Resolution = 480 | 576 | 720 | 1080 | 2160;

/**
 * Where the picture comes from. `tv` covers SDTV, PDTV, DSR and HDTV captures alike: the
 * resolution tells them apart.
 */
export type Source = 'cam' | 'telesync' | 'telecine' | 'workprint' | 'dvd' | 'tv' | 'webdl' | 'webrip' | 'bluray';

/**
 * What was done with the source. `remux` on `bluray` is a Blu-ray remux, on `dvd` a full DVD
 * (DVD-R); `brdisk` a full Blu-ray image; `rawhd` an untouched MPEG-2 HDTV capture.
 */
export type Modifier = 'remux' | 'brdisk' | 'rawhd' | 'screener' | 'regional';

/** Sonarr's and Radarr's quality names, the unit their quality profiles rank. */
export type QualityName =
  | 'Unknown'
  | 'WORKPRINT'
  | 'CAM'
  | 'TELESYNC'
  | 'TELECINE'
  | 'REGIONAL'
  | 'DVDSCR'
  | 'SDTV'
  | 'DVD'
  | 'DVD-R'
  | 'WEBDL-480p'
  | 'WEBRip-480p'
  | 'Bluray-480p'
  | 'Bluray-576p'
  | 'HDTV-720p'
  | 'WEBDL-720p'
  | 'WEBRip-720p'
  | 'Bluray-720p'
  | 'HDTV-1080p'
  | 'WEBDL-1080p'
  | 'WEBRip-1080p'
  | 'Bluray-1080p'
  | 'Remux-1080p'
  | 'HDTV-2160p'
  | 'WEBDL-2160p'
  | 'WEBRip-2160p'
  | 'Bluray-2160p'
  | 'Remux-2160p'
  | 'BR-DISK'
  | 'Raw-HD';

/** `h264` covers x264, H.264 and AVC; `h265` covers x265, H.265 and HEVC. */
export type VideoCodec = 'h264' | 'h265' | 'av1' | 'vp9' | 'xvid' | 'divx' | 'vc1' | 'mpeg2';

/** `DV` is Dolby Vision. A title that says only `HDR` is reported as `HDR10`, the base layer every HDR release carries. */
export type HdrFormat = 'HDR10' | 'HDR10+' | 'DV' | 'HLG';

export type AudioCodec = 'AAC' | 'AC3' | 'EAC3' | 'DTS' | 'DTS-HD MA' | 'DTS-HD HRA' | 'DTS-X' | 'TrueHD' | 'FLAC' | 'Opus' | 'MP3' | 'PCM';

export type Language =
  | 'english'
  | 'french'
  | 'spanish'
  | 'german'
  | 'italian'
  | 'danish'
  | 'dutch'
  | 'japanese'
  | 'icelandic'
  | 'chinese'
  | 'cantonese'
  | 'mandarin'
  | 'russian'
  | 'polish'
  | 'vietnamese'
  | 'swedish'
  | 'norwegian'
  | 'finnish'
  | 'turkish'
  | 'portuguese'
  | 'portuguese-br'
  | 'flemish'
  | 'greek'
  | 'korean'
  | 'hungarian'
  | 'hebrew'
  | 'lithuanian'
  | 'czech'
  | 'arabic'
  | 'hindi'
  | 'thai'
  | 'bulgarian'
  | 'romanian'
  | 'ukrainian'
  | 'catalan'
  | 'latvian'
  | 'estonian'
  | 'slovak'
  | 'persian'
  | 'tamil'
  | 'telugu'
  | 'malayalam'
  | 'indonesian';

/** Normalised edition tags; `edition` keeps the words as the title spells them. */
export type EditionTag =
  | 'directors-cut'
  | 'extended'
  | 'unrated'
  | 'uncut'
  | 'uncensored'
  | 'theatrical'
  | 'imax'
  | 'remastered'
  | 'restored'
  | 'criterion'
  | 'special'
  | 'ultimate'
  | 'collectors'
  | 'anniversary'
  | 'final-cut'
  | 'open-matte'
  | 'fan-edit'
  | 'despecialized'
  | 'recut'
  | 'multi-cut';

/** What the title describes. */
export type ReleaseKind = 'movie' | 'episode' | 'season' | 'daily' | 'anime';

export interface Audio {
  readonly codec: AudioCodec | null;
  /** `'2.0'`, `'5.1'`, `'7.1'`… */
  readonly channels: string | null;
  readonly atmos: boolean;
}

export interface Revision {
  /** 1 for a first release; 2 and up for a PROPER, REPACK, RERIP or an anime `v2`. */
  readonly version: number;
  /** How many `REAL` tags (upper case, as scene groups write them). */
  readonly real: number;
  readonly proper: boolean;
  /** REPACK or RERIP: the same group fixed its own release. */
  readonly repack: boolean;
}

export interface ParsedRelease {
  /** The title as given. */
  readonly raw: string;
  readonly kind: ReleaseKind;
  /**
   * The clean title, as Sonarr (episodes: dots and underscores to spaces, a year before the
   * episode kept) or Radarr (movies: without the year, acronyms such as `R.I.P.D.` kept) give it.
   * Empty when the title starts with the episode.
   */
  readonly title: string;
  /** Other titles of a movie (`X AKA Y`, `X / Y`). */
  readonly alternativeTitles: readonly string[];
  readonly year: number | null;

  readonly season: number | null;
  /** Episode numbers within `season`; a range `E01-E03` is expanded. */
  readonly episodes: readonly number[];
  /** Anime absolute episode numbers. */
  readonly absoluteEpisodes: readonly number[];
  /** Recap episodes such as `10.5`. */
  readonly specialAbsoluteEpisodes: readonly number[];
  /** Daily shows: `YYYY-MM-DD`. */
  readonly airDate: string | null;
  /** `Part 2` of a daily episode. */
  readonly dailyPart: number | null;
  /** A whole season (or several, see `multiSeason`). */
  readonly fullSeason: boolean;
  readonly multiSeason: boolean;
  /** `S02 Part 1`: a partial season. */
  readonly seasonPart: number | null;
  /** Extras or subtitle packs of a season. */
  readonly seasonExtra: boolean;
  readonly special: boolean;

  readonly resolution: Resolution | null;
  readonly source: Source | null;
  readonly modifier: Modifier | null;
  readonly quality: QualityName;
  readonly revision: Revision;

  readonly videoCodec: VideoCodec | null;
  /** Colour depth when the title says (`10bit`, `Hi10P`). */
  readonly bitDepth: 8 | 10 | 12 | null;
  /** HDR formats present, e.g. `['DV', 'HDR10']` for a Dolby Vision release with an HDR10 layer. */
  readonly hdr: readonly HdrFormat[];
  readonly audio: Audio;

  /** Audio languages named in the title, in the order they appear. */
  readonly languages: readonly Language[];
  /** `MULTi`, `Dual Audio`, `DL`: several audio languages, not all named. */
  readonly multiLanguage: boolean;

  /** The edition as the title spells it (`Director's Cut`, `Extended Theatrical Version IMAX`). */
  readonly edition: string | null;
  readonly editions: readonly EditionTag[];

  readonly releaseGroup: string | null;
}
