/**
 * Filing downloaded files into the library: hard-linked when the download and the library share
 * a file system (instant, no extra space, the torrent keeps seeding), copied otherwise.
 *
 * - Paths stay inside their roots (`resolveInside`), and a source that is a link or not a
 *   regular file is refused: the source is opened with `O_NOFOLLOW` and checked on the open
 *   descriptor, and a hard link is checked to be of that very file.
 * - Nothing in the library is overwritten. A target that already holds the same file (same
 *   inode, or same size and SHA-256) is reused, so importing again after a crash is safe; a
 *   different file there makes the import pick `Name (2).ext`, `Name (3).ext`…
 * - A copy is written to a hidden temporary file beside the target, flushed to disk, then put in
 *   place, so the library never shows half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type BigIntStats, constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, relative as relativeTo, resolve } from 'node:path';
import { splitExtension } from './library-naming';
import { resolveInsideAsync } from './safe-path';

export interface LibraryImport {
  /** Where the download client writes; `saveDir` must be inside it. */
  readonly downloadRoot: string;
  /** This download's directory, absolute. */
  readonly saveDir: string;
  readonly libraryRoot: string;
  readonly files: readonly {
    /** Relative to `saveDir`. */
    readonly source: string;
    /** Relative to `libraryRoot`, as `libraryPathFor` names it. */
    readonly target: string;
  }[];
}

export interface ImportedFile {
  /** Relative to `libraryRoot`: the asked target, or `Name (2).ext` when that was taken. */
  readonly target: string;
  readonly sizeBytes: number;
  /**
   * Hex SHA-256 of the content; null with `hashLater` when nothing needed it (a fresh hard link):
   * the caller records it once the download is complete (`sha256OfFile`).
   */
  readonly sha256: string | null;
  /** `hardlink` when the library file is the download's very inode. */
  readonly method: 'hardlink' | 'copy';
}

export interface ImportOptions {
  /** `fs.promises.link` unless given: lets a test play a library on another file system (EXDEV). */
  readonly link?: (existingPath: string, newPath: string) => Promise<void>;
  /**
   * Leave the hash out when the import did not need it: hashing a film is the longest step of a
   * hard-link import, and the file is in the library the moment it is linked.
   */
  readonly hashLater?: boolean;
}

/** A source that must not be imported, or a target with no free name left. */
export class LibraryImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryImportError';
  }
}

/** `link(2)` fails with these when source and target are on different file systems or links are not supported. */
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK']);
/** `Name (2).ext` up to this before giving up: more means something keeps writing there. */
const MAX_NAME_ATTEMPTS = 100;
const DIRECTORY_MODE = 0o755;
/** 1 MiB reads: hashing a film in 64 KiB ones cost the hunter three times the CPU (tools/bench/download). */
const READ_CHUNK_BYTES = 1024 * 1024;
const FILE_MODE = 0o644;

/** Imports the files one after the other; the first failure stops the import (what is done stays done). */
export async function importIntoLibrary(request: LibraryImport, options: ImportOptions = {}): Promise<ImportedFile[]> {
  const link = options.link ?? fs.link;
  const saveDir = await resolveInsideAsync(request.downloadRoot, relativeTo(resolve(request.downloadRoot), resolve(request.saveDir)));
  const imported: ImportedFile[] = [];
  for (const file of request.files) {
    imported.push(await importFile(await resolveInsideAsync(saveDir, file.source), request.libraryRoot, file.target, link, options.hashLater ?? false));
  }
  return imported;
}

async function importFile(
  sourcePath: string,
  libraryRoot: string,
  target: string,
  link: NonNullable<ImportOptions['link']>,
  hashLater: boolean,
): Promise<ImportedFile> {
  const source = await openSource(sourcePath);
  try {
    const digest = new SourceDigest(source.handle);
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const candidate = attempt === 1 ? target : numbered(target, attempt);
      const targetPath = await prepareTarget(libraryRoot, candidate);
      const placed = await place(source, digest, targetPath, link);
      if (placed !== 'taken') {
        return { target: candidate, sizeBytes: Number(source.stats.size), sha256: hashLater ? await digest.known() : await digest.value(), method: placed };
      }
    }
    throw new LibraryImportError(`${target}: ${MAX_NAME_ATTEMPTS} names taken by other files`);
  } finally {
    await source.handle.close();
  }
}

interface OpenSource {
  readonly path: string;
  readonly handle: FileHandle;
  /** Big integers: inode numbers of network file systems can exceed 2^53. */
  readonly stats: BigIntStats;
}

async function openSource(path: string): Promise<OpenSource> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link swapped in after the path was checked fails here rather than being read.
    // O_NONBLOCK: a FIFO planted there would otherwise hang the open until refused below.
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new LibraryImportError(`${path} is a symbolic link`);
    throw error;
  }
  const stats = await handle.stat({ bigint: true });
  if (!stats.isFile()) {
    await handle.close();
    throw new LibraryImportError(`${path} is not a regular file`);
  }
  return { path, handle, stats };
}

/** Creates the target's folders, then checks the path again now that they exist. */
async function prepareTarget(libraryRoot: string, target: string): Promise<string> {
  const targetPath = await resolveInsideAsync(libraryRoot, target);
  await fs.mkdir(dirname(targetPath), { recursive: true, mode: DIRECTORY_MODE });
  return resolveInsideAsync(libraryRoot, target);
}

/** Puts the source at `targetPath`: `taken` when a different file is already there. */
async function place(
  source: OpenSource,
  digest: SourceDigest,
  targetPath: string,
  link: NonNullable<ImportOptions['link']>,
): Promise<ImportedFile['method'] | 'taken'> {
  const existing = await sameFileAt(source, digest, targetPath);
  if (existing !== 'absent') return existing;
  try {
    await link(source.path, targetPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return sameFileAt(source, digest, targetPath).then((found) => (found === 'absent' ? 'taken' : found));
    if (!CANNOT_LINK.has(code)) throw error;
    return copy(source, digest, targetPath);
  }
  const linked = await fs.lstat(targetPath, { bigint: true });
  if (linked.dev !== source.stats.dev || linked.ino !== source.stats.ino) {
    // The source path now names another file than the one checked: undo, refuse.
    await fs.unlink(targetPath);
    throw new LibraryImportError(`${source.path} was replaced while being imported`);
  }
  return 'hardlink';
}

/** What is at the target: the same file (and how it got there), another file, or nothing. */
async function sameFileAt(source: OpenSource, digest: SourceDigest, targetPath: string): Promise<ImportedFile['method'] | 'taken' | 'absent'> {
  const stats = await fs.lstat(targetPath, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (stats === null) return 'absent';
  if (!stats.isFile()) return 'taken';
  if (stats.dev === source.stats.dev && stats.ino === source.stats.ino) return 'hardlink';
  if (stats.size !== source.stats.size) return 'taken';
  return (await sha256OfFile(targetPath)) === (await digest.value()) ? 'copy' : 'taken';
}

/** Copies through a temporary file beside the target: flushed, then linked into place without overwriting. */
async function copy(source: OpenSource, digest: SourceDigest, targetPath: string): Promise<ImportedFile['method'] | 'taken'> {
  const temporary = resolve(dirname(targetPath), `.sokoul-import-${randomBytes(8).toString('hex')}.tmp`);
  const output = await fs.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  try {
    try {
      const hash = createHash('sha256');
      for await (const chunk of source.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK_BYTES })) {
        hash.update(chunk as Buffer);
        await output.write(chunk as Buffer);
      }
      digest.learn(hash.digest('hex'));
      await output.sync();
    } finally {
      await output.close();
    }
    return await publish(temporary, targetPath, source, digest);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Link, not rename: `rename` would replace a file another import put there meanwhile. Only a
 * library without hard links at all falls back to `rename`, after checking the name is free.
 */
async function publish(temporary: string, targetPath: string, source: OpenSource, digest: SourceDigest): Promise<'copy' | 'taken'> {
  try {
    await fs.link(temporary, targetPath);
    return 'copy';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') {
      const found = await sameFileAt(source, digest, targetPath);
      return found === 'absent' || found === 'taken' ? 'taken' : 'copy';
    }
    if (!CANNOT_LINK.has(code)) throw error;
  }
  if ((await sameFileAt(source, digest, targetPath)) !== 'absent') return 'taken';
  await fs.rename(temporary, targetPath);
  return 'copy';
}

/** The source's SHA-256, read once: while copying when there is a copy, else on demand. */
class SourceDigest {
  private digest: Promise<string> | null = null;

  constructor(private readonly handle: FileHandle) {}

  value(): Promise<string> {
    this.digest ??= hashStream(this.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK_BYTES }));
    return this.digest;
  }

  learn(hex: string): void {
    this.digest = Promise.resolve(hex);
  }

  /** The hash if the import already computed it (a copy, a comparison), else null. */
  known(): Promise<string | null> {
    return this.digest ?? Promise.resolve(null);
  }
}

/** The SHA-256 of a file, read in 1 MiB chunks, refusing a symbolic link at `path`. */
export async function sha256OfFile(path: string): Promise<string> {
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await hashStream(handle.createReadStream({ autoClose: false, highWaterMark: READ_CHUNK_BYTES }));
  } finally {
    await handle.close();
  }
}

async function hashStream(stream: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `Name (2).ext`, with a subtitle's language kept after the number: `Name (2).en.srt`. */
function numbered(target: string, attempt: number): string {
  const slash = target.lastIndexOf('/');
  const { stem, extension } = splitExtension(target.slice(slash + 1));
  return `${target.slice(0, slash + 1)}${stem} (${attempt})${extension}`;
}
