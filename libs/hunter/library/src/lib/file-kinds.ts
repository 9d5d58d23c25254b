/** What a file is, by its extension: the only thing known about a torrent's files before download. */

export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  'mkv', 'mp4', 'm4v', 'avi', 'wmv', 'mov', 'mpg', 'mpeg', 'm2ts', 'mts', 'ts', 'webm', 'vob', 'flv', 'ogm', 'divx', '3gp', 'wtv',
]);

export const SUBTITLE_EXTENSIONS: ReadonlySet<string> = new Set(['srt', 'ass', 'ssa', 'sub', 'idx', 'vtt']);

/**
 * The lower-case extension of a file name (or the last name of a `/`-separated path), without
 * the dot; `''` when there is none. Trailing dots and spaces are ignored because Windows drops
 * them: `setup.exe.` runs as `setup.exe`.
 */
export function extensionOf(fileName: string): string {
  const name = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/[. ]+$/, '');
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}
