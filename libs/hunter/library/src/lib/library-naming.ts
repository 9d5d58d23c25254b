/**
 * Where a downloaded file goes in the library, relative to its root and `/`-separated:
 *
 *   films    {Title} ({Year})/{Title} ({Year}) [{Quality}].{ext}
 *   series   {Series}/Season {NN}/{Series} - S{NN}E{NN}[-E{NN}…] [{Quality}].{ext}
 *
 * the layout Plex, Jellyfin and Kodi scan without help. Every name is made safe for the file
 * systems a library is shared through (Windows, SMB): nothing is trusted from the source file
 * but its extension and a subtitle's language, and those only when they look like one.
 */
import { type QualityName, parseReleaseTitle } from '@sokoul/release-parser';
import { episodeCode, numberingOf, pad } from './episode-numbering';
import { SUBTITLE_EXTENSIONS } from './file-kinds';
import type { WantedMedia } from './wanted-media';
import { MAX_NAME_BYTES, isWindowsDeviceName, utf8Bytes } from './windows-names';

export interface LibraryNaming {
  readonly media: WantedMedia;
  /** `quality` when already known (ranking parsed the title); read from `title` otherwise. */
  readonly release: { readonly title: string; readonly quality?: QualityName };
  /**
   * `path` relative to the download; `episodes` when the caller knows them better than the file
   * name does (several episodes: a multi-episode file).
   */
  readonly sourceFile: { readonly path: string; readonly episodes?: readonly number[] };
}

/** The file cannot be named: a series file whose episode nobody knows, an extension that is not one. */
export class LibraryNamingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryNamingError';
  }
}

const EXTENSION = /^[a-z0-9]{1,8}$/;
/** ISO 639-1 with an optional region (`en`, `pt-BR`), or an ISO 639-2 code subtitle tools write. */
const LANGUAGE = /^(?:[a-z]{2}(?:-[a-z]{2,4})?|eng|fre|fra|ger|deu|spa|ita|por|dut|nld|swe|nor|dan|fin|pol|rus|jpn|chi|zho|kor|ara|heb|tur|gre|ell|cze|ces|hun|rum|ron|bul|ukr|hin|tha|vie|ind|per|fas|cat|hrv|srp|slv|slo|slk|est|lav|lit|ice|isl)$/i;
const SUBTITLE_FLAG = /^(?:forced|sdh|cc|hi|default)$/i;

export function libraryPathFor({ media, release, sourceFile }: LibraryNaming): string {
  const sourceName = sourceFile.path.slice(sourceFile.path.lastIndexOf('/') + 1);
  const { extension } = splitExtension(sourceName);
  if (!EXTENSION.test(extension.slice(extension.lastIndexOf('.') + 1))) {
    throw new LibraryNamingError(`${JSON.stringify(sourceName)} has no usable extension`);
  }
  const quality = release.quality ?? parseReleaseTitle(release.title).quality;
  const qualityTag = quality === 'Unknown' ? '' : ` [${sanitiseName(quality)}]`;
  const title = sanitiseName(media.title);

  if (media.kind === 'movie') {
    const yearTag = media.year === null ? '' : ` (${media.year})`;
    const folder = fitName(title, yearTag);
    return `${folder}/${fitName(title, `${yearTag}${qualityTag}${extension}`)}`;
  }

  const numbering = numberingOf(sourceFile.path.split('/'));
  const season = numbering.season ?? media.season;
  const episodes =
    sourceFile.episodes ?? (numbering.episodes.length > 0 ? numbering.episodes : media.episode === null ? [] : [media.episode]);
  if (season === null || episodes.length === 0) {
    throw new LibraryNamingError(`Cannot tell which episode of ${media.title} ${JSON.stringify(sourceFile.path)} holds`);
  }
  const code = episodeCode(season, [...new Set(episodes)].sort((a, b) => a - b));
  return `${fitName(title, '')}/Season ${pad(season)}/${fitName(title, ` - ${code}${qualityTag}${extension}`)}`;
}

/**
 * A file name cut into its stem and what follows: the extension, with a subtitle's language and
 * flags (`.en.forced.srt`) kept together so a player still finds them. Lower-cased extension.
 */
export function splitExtension(fileName: string): { stem: string; extension: string } {
  const parts = fileName.split('.');
  if (parts.length < 2 || parts[0] === '') return { stem: fileName, extension: '' };
  const extension = parts.pop()?.toLowerCase() ?? '';
  const suffix = [`.${extension}`];
  if (SUBTITLE_EXTENSIONS.has(extension)) {
    while (parts.length > 1 && SUBTITLE_FLAG.test(parts[parts.length - 1])) suffix.unshift(`.${parts.pop()?.toLowerCase()}`);
    if (parts.length > 1 && LANGUAGE.test(parts[parts.length - 1])) suffix.unshift(`.${parts.pop()}`);
  }
  return { stem: parts.join('.'), extension: suffix.join('') };
}

/**
 * One name made safe on Linux, Windows and SMB: NFC (how macOS and Windows clients send names,
 * so a title compares equal however it was typed), no control or direction-changing characters,
 * `: ` as ` - ` and the other characters Windows forbids replaced or dropped, no leading dot
 * (a hidden file) and no trailing dot or space (Windows drops them).
 */
export function sanitiseName(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069\ufeff]/gu, '')
    .replace(/: /g, ' - ')
    .replace(/[:/\\|\uff0f\uff3c\u2044\u2215]/gu, '-')
    .replace(/"/g, "'")
    .replace(/[<>?*]/g, '')
    .replace(/\s+/gu, ' ')
    .replace(/^[. ]+|[. ]+$/g, '');
  return cleaned === '' ? '_' : cleaned;
}

/**
 * `head + tail` within 255 bytes, cutting `head` (whole code points) so the extension and tags
 * survive, and out of Windows' device names (`CON` becomes `CON_`).
 */
function fitName(head: string, tail: string): string {
  const budget = MAX_NAME_BYTES - utf8Bytes(tail);
  let kept = '';
  let bytes = 0;
  for (const character of head) {
    bytes += utf8Bytes(character);
    if (bytes > budget) break;
    kept += character;
  }
  const name = `${kept.replace(/[. ]+$/, '')}${tail}`;
  if (!isWindowsDeviceName(name)) return name;
  const dot = name.indexOf('.');
  return dot < 0 ? `${name}_` : `${name.slice(0, dot).trimEnd()}_${name.slice(dot)}`;
}
