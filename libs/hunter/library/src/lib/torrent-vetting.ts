/**
 * Vetting a torrent by its file list, before a byte of payload is fetched: names that could
 * write outside the save directory or fool a reader, programs and shortcuts, releases that
 * cannot be what was asked for (archives only, a sample, the wrong episode, a size far from the
 * indexer's), and which files to download when it passes.
 *
 * Names come from strangers. A torrent's names are judged as the torrent spells them
 * (`rawSegments`) and as the client will write them (`path`): either being unsafe refuses it.
 */
import { type EpisodeNumbering, episodeCode, numberingOf } from './episode-numbering';
import { SUBTITLE_EXTENSIONS, VIDEO_EXTENSIONS, extensionOf } from './file-kinds';
import type { WantedMedia } from './wanted-media';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, isWindowsDeviceName, utf8Bytes } from './windows-names';

/** One file of a torrent: the fields of `TorrentFileEntry` (`@sokoul/hunter/download-clients`) read here. */
export interface TorrentFileToVet {
  readonly index: number;
  /** Relative to the save directory, `/`-separated, as the client writes it. */
  readonly path: string;
  /** The name segments as in the torrent's info dictionary, when known. */
  readonly rawSegments?: readonly string[];
  /** BEP 47 attributes (`l` symlink, `x` executable, `h` hidden, `p` padding), when known. */
  readonly attributes?: string;
  readonly length: number;
}

/** The part of `TorrentMetadata` vetting reads. */
export interface TorrentToVet {
  readonly files: readonly TorrentFileToVet[];
}

export interface TorrentExpectation {
  /** What was asked for; `null` skips the episode check. */
  readonly media: WantedMedia | null;
  /** The indexer's size; `null` or 0 when it did not say. */
  readonly claimedSizeBytes: number | null;
  readonly limits: {
    /** Files in the torrent, selected or not: every one costs the client an entry. */
    readonly maxFiles: number;
    /** Bytes of the selected files: what lands on disk. */
    readonly maxTotalBytes: number;
    /** A video standing alone below this is a sample; `SAMPLE_MAX_BYTES` unless given (tests seed small files). */
    readonly sampleMaxBytes?: number;
  };
}

export type VettingCode =
  | 'too-many-files'
  | 'invalid-metadata'
  | 'unsafe-path'
  | 'executable'
  | 'shortcut'
  | 'size-mismatch'
  | 'no-media'
  | 'split-archive'
  | 'sample-only'
  | 'wrong-episodes'
  | 'too-large';

export type TorrentVetting =
  | {
      readonly ok: true;
      /** File indexes to download: `mainFiles` and the subtitles beside them, in torrent order. */
      readonly selected: number[];
      /** The videos that are the release itself (no samples, only the asked episode or season). */
      readonly mainFiles: number[];
    }
  | { readonly ok: false; readonly code: VettingCode; readonly reason: string };

/**
 * Files that run when opened on some system a library is shared with. Shortcuts are told
 * apart: they point somewhere rather than run, but are refused as firmly.
 */
const EXECUTABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  'exe', 'msi', 'msp', 'bat', 'cmd', 'com', 'scr', 'pif', 'cpl', 'hta', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh',
  'jar', 'sh', 'apk', 'dll', 'reg', 'appimage',
]);
const SHORTCUT_EXTENSIONS: ReadonlySet<string> = new Set(['lnk', 'url', 'desktop', 'webloc', 'scf']);

/** `.rar`, `.r00`…, `.part01.rar`, `.001`…, `.zip`, `.7z`: a payload that must be unpacked. */
const ARCHIVE = /\.(?:rar|r\d{2}|s\d{2}|\d{3}|zip|z\d{2}|7z|tar|tgz|gz|bz2|xz)$/i;

/** `sample` (or `samples`) as a whole word of the name or of a folder. */
const SAMPLE_WORD = /(?:^|[^\p{L}\p{N}])samples?(?:[^\p{L}\p{N}]|$)/iu;
/**
 * A video smaller than this is a sample when it stands alone: Sonarr's old sample limit. A real
 * episode this small (a webisode) is refused too; the indexer's size then usually gives it away
 * as what it is, but the limit errs on the side of not downloading a teaser.
 */
export const SAMPLE_MAX_BYTES = 70 * 1024 * 1024;

/** A claimed size counts as matching between half and twice the torrent's. */
const SIZE_TOLERANCE = 2;

/** Subtitles in a `Subs` folder beside the video belong to it (scene and P2P layouts). */
const SUBTITLE_FOLDER = /^(?:subs?|subtitles?)$/i;

const CONTROL_CHARACTER = /\p{Cc}/u;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
/** Characters that look like a slash or a backslash and that no normalisation turns into one. */
const SEPARATOR_LOOKALIKE = /[\u2044\u2215\u29f8\u29f9]/u;
const FULLWIDTH_DOTS = /\uff0e\uff0e/u;
const DRIVE_LETTER = /^[a-z]:/i;

export function vetTorrent(metadata: TorrentToVet, expectation: TorrentExpectation): TorrentVetting {
  const { files } = metadata;
  const { limits } = expectation;
  // First, so a hostile list of a million names costs nothing more to refuse.
  if (files.length > limits.maxFiles) {
    return refuse('too-many-files', `The torrent holds ${files.length} files; at most ${limits.maxFiles} are accepted`);
  }
  const malformed = files.find((file) => !Number.isSafeInteger(file.length) || file.length < 0);
  if (malformed !== undefined) {
    return refuse('invalid-metadata', `${describe(malformed.path)} has an impossible length (${malformed.length})`);
  }

  const named: NamedFile[] = [];
  for (const file of files) {
    const segments = file.rawSegments !== undefined && file.rawSegments.length > 0 ? file.rawSegments : null;
    // A BEP 47 symlink is a path pointing elsewhere, whatever it is called: clients that honour it create the link.
    const link = file.attributes?.includes('l') ? 'a symbolic link (BEP 47) that clients would create pointing elsewhere' : null;
    const unsafe = link ?? (segments === null ? null : unsafeSegments(segments)) ?? unsafePath(file.path);
    if (unsafe !== null) return refuse('unsafe-path', `${describe(segments?.join('/') ?? file.path)}: ${unsafe}`);
    named.push({ file, segments: segments ?? file.path.split('/') });
  }

  for (const { file, segments } of named) {
    // The torrent's name and the client's may differ; whichever lands on disk must not run.
    for (const extension of [extensionOf(segments[segments.length - 1]), extensionOf(file.path)]) {
      if (EXECUTABLE_EXTENSIONS.has(extension)) {
        return refuse('executable', `${describe(file.path)} is a program (.${extension}); media releases carry none`);
      }
      if (SHORTCUT_EXTENSIONS.has(extension)) {
        return refuse('shortcut', `${describe(file.path)} is a shortcut (.${extension}) pointing elsewhere`);
      }
    }
  }

  const totalBytes = files.reduce((sum, file) => sum + file.length, 0);
  const claimed = expectation.claimedSizeBytes;
  if (claimed !== null && claimed > 0 && (totalBytes * SIZE_TOLERANCE < claimed || totalBytes > claimed * SIZE_TOLERANCE)) {
    return refuse('size-mismatch', `The torrent holds ${formatBytes(totalBytes)}; the indexer announced ${formatBytes(claimed)}`);
  }

  const videos = named.filter(({ segments }) => VIDEO_EXTENSIONS.has(extensionOf(segments[segments.length - 1])));
  const releaseVideos = videos.filter(({ segments }) => !segments.some((segment) => SAMPLE_WORD.test(segment)));
  const sampleMaxBytes = expectation.limits.sampleMaxBytes ?? SAMPLE_MAX_BYTES;
  const fullSizeVideos = releaseVideos.filter(({ file }) => file.length >= sampleMaxBytes);
  if (fullSizeVideos.length === 0) return refuseWithoutRelease(named, videos, releaseVideos);

  const episodes: EpisodePick =
    expectation.media?.kind === 'series' ? pickEpisodes(fullSizeVideos, expectation.media) : { ok: true, main: fullSizeVideos };
  if (!episodes.ok) return refuse('wrong-episodes', episodes.reason);

  const main = episodes.main;
  const subtitles = named.filter(
    (candidate) =>
      SUBTITLE_EXTENSIONS.has(extensionOf(candidate.segments[candidate.segments.length - 1])) &&
      main.some((video) => isBeside(candidate.segments, video.segments)) &&
      (episodes.narrowedTo === undefined || isWanted(numberingOf(candidate.segments), episodes.narrowedTo)),
  );
  const selected = [...main, ...subtitles];
  const selectedBytes = selected.reduce((sum, { file }) => sum + file.length, 0);
  if (selectedBytes > limits.maxTotalBytes) {
    return refuse('too-large', `The files to download add up to ${formatBytes(selectedBytes)}; at most ${formatBytes(limits.maxTotalBytes)} are accepted`);
  }
  return { ok: true, selected: indexes(selected), mainFiles: indexes(main) };
}

interface NamedFile {
  readonly file: TorrentFileToVet;
  /** The segments judged safe: the raw ones when known. */
  readonly segments: readonly string[];
}

function refuse(code: VettingCode, reason: string): TorrentVetting {
  return { ok: false, code, reason };
}

function indexes(files: readonly NamedFile[]): number[] {
  return files.map(({ file }) => file.index).sort((a, b) => a - b);
}

/** No full-size video outside samples: say what there is instead. */
function refuseWithoutRelease(named: readonly NamedFile[], videos: readonly NamedFile[], releaseVideos: readonly NamedFile[]): TorrentVetting {
  const archive = named.find(({ segments }) => ARCHIVE.test(segments[segments.length - 1]));
  if (archive !== undefined) {
    return refuse('split-archive', `The video is packed in archives (${describe(archive.file.path)}); nothing playable to import`);
  }
  if (videos.length === 0) return refuse('no-media', 'The torrent holds no video file');
  if (releaseVideos.length === 0) return refuse('sample-only', `Every video is a sample (${describe(videos[0].file.path)})`);
  const largest = releaseVideos.reduce((a, b) => (b.file.length > a.file.length ? b : a));
  return refuse('sample-only', `The largest video, ${describe(largest.file.path)}, is ${formatBytes(largest.file.length)}: sample-sized`);
}

function unsafePath(path: string): string | null {
  if (path.startsWith('/')) return 'an absolute path';
  if (utf8Bytes(path) > MAX_PATH_BYTES) return `a path over ${MAX_PATH_BYTES} bytes`;
  return unsafeSegments(path.split('/'));
}

function unsafeSegments(segments: readonly string[]): string | null {
  if (utf8Bytes(segments.join('/')) > MAX_PATH_BYTES) return `a path over ${MAX_PATH_BYTES} bytes`;
  for (const segment of segments) {
    const unsafe = unsafeSegment(segment);
    if (unsafe !== null) return unsafe;
  }
  return null;
}

function unsafeSegment(segment: string): string | null {
  if (segment === '') return 'an empty name (an absolute path or `//`)';
  if (segment === '.' || segment === '..') return `a \`${segment}\` step`;
  if (segment.includes('/')) return 'a slash inside a name';
  if (segment.includes('\\')) return 'a backslash (a separator on Windows)';
  if (CONTROL_CHARACTER.test(segment)) return 'a control character';
  if (BIDI_CONTROL.test(segment)) return 'a bidirectional override, which disguises the real extension';
  if (DRIVE_LETTER.test(segment)) return 'a drive letter';
  if (utf8Bytes(segment) > MAX_NAME_BYTES) return `a name over ${MAX_NAME_BYTES} bytes`;
  // Windows drops trailing dots and spaces: `.. ` is `..` there.
  if (segment.replace(/[. ]+$/, '') === '') return 'a name of dots and spaces, which Windows reads as `.` or `..`';
  // What a file system or a later NFKC step might turn the name into: `‥` (two-dot leader) is
  // `..`, fullwidth `／` is `/`.
  const compatible = segment.normalize('NFKC');
  if (compatible.replace(/[. ]+$/, '') === '' || /[/\\]/.test(compatible) || FULLWIDTH_DOTS.test(segment) || SEPARATOR_LOOKALIKE.test(segment)) {
    return 'characters that read or normalise as `..` or a separator';
  }
  if (isWindowsDeviceName(segment) || isWindowsDeviceName(compatible)) return 'a Windows device name';
  return null;
}

type EpisodePick =
  | {
      readonly ok: true;
      readonly main: readonly NamedFile[];
      /** Set when other videos were left out: subtitles must then name what was kept. */
      readonly narrowedTo?: EpisodeWanted;
    }
  | { readonly ok: false; readonly reason: string };

interface EpisodeWanted {
  readonly season: number;
  readonly episode: number | null;
}

/**
 * Keeps the videos of the asked season (and episode). Season packs pass for a season; for an
 * episode only that episode's files are kept, so the rest of a pack is never fetched.
 */
function pickEpisodes(videos: readonly NamedFile[], media: WantedMedia): EpisodePick {
  if (media.season === null) return { ok: true, main: videos };
  const wanted: EpisodeWanted = { season: media.season, episode: media.episode };
  const asked = wanted.episode === null ? `season ${wanted.season}` : episodeCode(wanted.season, [wanted.episode]);
  const numbered = videos.map((video) => ({ video, numbering: numberingOf(video.segments) }));
  if (numbered.every(({ numbering }) => numbering.season === null)) {
    // Daily shows and absolute-numbered anime cannot be checked here; anything else names nothing.
    if (numbered.some(({ numbering }) => numbering.unmappable)) return { ok: true, main: videos };
    return { ok: false, reason: `Asked for ${asked}; no video names a season or an episode (${describe(videos[0].file.path)})` };
  }
  const matching = numbered.filter(({ numbering }) => isWanted(numbering, wanted)).map(({ video }) => video);
  if (matching.length === videos.length) return { ok: true, main: matching };
  if (matching.length > 0) return { ok: true, main: matching, narrowedTo: wanted };
  const found = numbered
    .slice(0, 3)
    .map(({ video, numbering }) => `${describe(video.file.path)} (${describeNumbering(numbering)})`)
    .join(', ');
  return { ok: false, reason: `Asked for ${asked}; the videos are ${found}${numbered.length > 3 ? '…' : ''}` };
}

function isWanted(numbering: EpisodeNumbering, wanted: EpisodeWanted): boolean {
  if (numbering.season !== wanted.season) return false;
  return wanted.episode === null || numbering.episodes.includes(wanted.episode);
}

/** The subtitle sits in the video's folder, or in a `Subs` folder (and below) beside it. */
function isBeside(subtitle: readonly string[], video: readonly string[]): boolean {
  const folder = video.slice(0, -1);
  if (!folder.every((segment, i) => subtitle[i] === segment)) return false;
  const rest = subtitle.slice(folder.length);
  return rest.length === 1 || (rest.length > 1 && SUBTITLE_FOLDER.test(rest[0]));
}

function describeNumbering(numbering: EpisodeNumbering): string {
  if (numbering.season === null) return 'no episode named';
  if (numbering.episodes.length === 0) return `season ${numbering.season}`;
  return episodeCode(numbering.season, numbering.episodes);
}

/**
 * A stranger's name made fit for a message a person reads: quoted, invisible and
 * direction-changing characters spelled out, cut to a readable length.
 */
function describe(name: string): string {
  const visible = name.replace(/[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
  return `"${visible.length > 200 ? `${visible.slice(0, 200)}…` : visible}"`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
