/**
 * Runtime lists of the parser's quality and language names, for the profile schema. The type
 * checks below fail to compile when the parser adds a name that is missing here.
 */
import type { Language, QualityName } from '@sokoul/release-parser';

/** Every quality name, from worst to best in Radarr's order (its quality weights). */
export const QUALITY_NAMES = [
  'Unknown',
  'WORKPRINT',
  'CAM',
  'TELESYNC',
  'TELECINE',
  'REGIONAL',
  'DVDSCR',
  'SDTV',
  'DVD',
  'DVD-R',
  'WEBDL-480p',
  'WEBRip-480p',
  'Bluray-480p',
  'Bluray-576p',
  'HDTV-720p',
  'WEBDL-720p',
  'WEBRip-720p',
  'Bluray-720p',
  'HDTV-1080p',
  'WEBDL-1080p',
  'WEBRip-1080p',
  'Bluray-1080p',
  'Remux-1080p',
  'HDTV-2160p',
  'WEBDL-2160p',
  'WEBRip-2160p',
  'Bluray-2160p',
  'Remux-2160p',
  'BR-DISK',
  'Raw-HD',
] as const satisfies readonly QualityName[];

export const LANGUAGES = [
  'english',
  'french',
  'spanish',
  'german',
  'italian',
  'danish',
  'dutch',
  'japanese',
  'icelandic',
  'chinese',
  'cantonese',
  'mandarin',
  'russian',
  'polish',
  'vietnamese',
  'swedish',
  'norwegian',
  'finnish',
  'turkish',
  'portuguese',
  'portuguese-br',
  'flemish',
  'greek',
  'korean',
  'hungarian',
  'hebrew',
  'lithuanian',
  'czech',
  'arabic',
  'hindi',
  'thai',
  'bulgarian',
  'romanian',
  'ukrainian',
  'catalan',
  'latvian',
  'estonian',
  'slovak',
  'persian',
  'tamil',
  'telugu',
  'malayalam',
  'indonesian',
] as const satisfies readonly Language[];

type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
const allQualitiesListed: Missing<QualityName, (typeof QUALITY_NAMES)[number]> = true;
const allLanguagesListed: Missing<Language, (typeof LANGUAGES)[number]> = true;
void allQualitiesListed;
void allLanguagesListed;

/**
 * Qualities recorded in or leaked from a cinema before release: a camera in the room (CAM), a
 * direct audio feed (TELESYNC), a film-print scan (TELECINE), an unfinished cut (WORKPRINT), a
 * screener copy sent to critics (DVDSCR).
 */
export const PRE_RELEASE_QUALITIES: ReadonlySet<QualityName> = new Set<QualityName>(['WORKPRINT', 'CAM', 'TELESYNC', 'TELECINE', 'DVDSCR']);
