import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibraryImportError, importIntoLibrary, sha256OfFile } from './library-importer';
import { UnsafePathError } from './safe-path';

const FILM = 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p].mkv';

function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** What `link(2)` throws when source and target are on different file systems. */
async function crossDeviceLink(): Promise<void> {
  throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
}

describe('importIntoLibrary', () => {
  let sandbox: string;
  let downloadRoot: string;
  let saveDir: string;
  let libraryRoot: string;
  let elsewhere: string;
  /** Bigger than one read chunk, so hashing and copying must stream. */
  const content = Buffer.alloc(300_000, 'matrix');

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'sokoul-import-'));
    downloadRoot = join(sandbox, 'downloads');
    saveDir = join(downloadRoot, 'abc123');
    libraryRoot = join(sandbox, 'library');
    elsewhere = join(sandbox, 'elsewhere');
    for (const dir of [join(saveDir, 'The.Matrix.1999'), libraryRoot, elsewhere]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(saveDir, 'The.Matrix.1999', 'matrix.mkv'), content);
  });

  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  function request(files = [{ source: 'The.Matrix.1999/matrix.mkv', target: FILM }]) {
    return { downloadRoot, saveDir, libraryRoot, files };
  }

  it('hard-links the file into the library, with its size and SHA-256', async () => {
    const imported = await importIntoLibrary(request());
    expect(imported).toEqual([{ target: FILM, sizeBytes: content.length, sha256: sha256(content), method: 'hardlink' }]);
    expect(statSync(join(libraryRoot, FILM)).ino).toBe(statSync(join(saveDir, 'The.Matrix.1999', 'matrix.mkv')).ino);
  });

  it('copies when the library is on another file system, through a temporary file that does not stay', async () => {
    const imported = await importIntoLibrary(request(), { link: crossDeviceLink });
    expect(imported).toEqual([{ target: FILM, sizeBytes: content.length, sha256: sha256(content), method: 'copy' }]);
    const copied = join(libraryRoot, FILM);
    expect(readFileSync(copied).equals(content)).toBe(true);
    expect(statSync(copied).ino).not.toBe(statSync(join(saveDir, 'The.Matrix.1999', 'matrix.mkv')).ino);
    expect(readdirSync(join(libraryRoot, 'The Matrix (1999)'))).toEqual(['The Matrix (1999) [Bluray-1080p].mkv']);
  });

  it('leaves the hash of a fresh hard link to the caller when asked to, but never that of a copy (computed while copying)', async () => {
    const linked = await importIntoLibrary(request(), { hashLater: true });
    const copied = await importIntoLibrary(request([{ source: 'The.Matrix.1999/matrix.mkv', target: 'Elsewhere/copy.mkv' }]), { hashLater: true, link: crossDeviceLink });

    expect(linked).toEqual([{ target: FILM, sizeBytes: content.length, sha256: null, method: 'hardlink' }]);
    expect(copied[0].sha256).toBe(sha256(content));
    expect(await sha256OfFile(join(libraryRoot, FILM))).toBe(sha256(content));
  });

  it('creates folders as 0755 and copies as 0644, less the umask', async () => {
    await importIntoLibrary(request(), { link: crossDeviceLink });
    const umask = process.umask();
    expect(statSync(join(libraryRoot, 'The Matrix (1999)')).mode & 0o777).toBe(0o755 & ~umask);
    expect(statSync(join(libraryRoot, FILM)).mode & 0o777).toBe(0o644 & ~umask);
  });

  it('passes on a link failure that is not about file systems', async () => {
    const failing = async () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };
    await expect(importIntoLibrary(request(), { link: failing })).rejects.toThrow('EIO');
  });

  describe('importing again', () => {
    it('reuses its own hard link', async () => {
      await importIntoLibrary(request());
      const again = await importIntoLibrary(request());
      expect(again).toEqual([{ target: FILM, sizeBytes: content.length, sha256: sha256(content), method: 'hardlink' }]);
      expect(readdirSync(join(libraryRoot, 'The Matrix (1999)'))).toHaveLength(1);
    });

    it('reuses a copy of the same content (an import that crashed after copying)', async () => {
      mkdirSync(join(libraryRoot, 'The Matrix (1999)'));
      copyFileSync(join(saveDir, 'The.Matrix.1999', 'matrix.mkv'), join(libraryRoot, FILM));
      const again = await importIntoLibrary(request(), { link: crossDeviceLink });
      expect(again).toEqual([{ target: FILM, sizeBytes: content.length, sha256: sha256(content), method: 'copy' }]);
      expect(readdirSync(join(libraryRoot, 'The Matrix (1999)'))).toHaveLength(1);
    });

    it('never overwrites a different file: it takes the next free name', async () => {
      mkdirSync(join(libraryRoot, 'The Matrix (1999)'));
      const other = Buffer.alloc(content.length, 'reloaded');
      writeFileSync(join(libraryRoot, FILM), other);
      writeFileSync(join(libraryRoot, 'The Matrix (1999)', 'The Matrix (1999) [Bluray-1080p] (2).mkv'), 'short');

      const imported = await importIntoLibrary(request());
      expect(imported).toMatchObject([{ target: 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p] (3).mkv', method: 'hardlink' }]);
      expect(readFileSync(join(libraryRoot, FILM)).equals(other)).toBe(true);
    });

    it('keeps a subtitle language after the number', async () => {
      writeFileSync(join(saveDir, 'The.Matrix.1999', 'matrix.en.srt'), '1\n00:00:01,000 --> 00:00:02,000\nWake up, Neo.\n');
      const target = 'The Matrix (1999)/The Matrix (1999).en.srt';
      mkdirSync(join(libraryRoot, 'The Matrix (1999)'));
      writeFileSync(join(libraryRoot, target), 'another subtitle');
      const imported = await importIntoLibrary(request([{ source: 'The.Matrix.1999/matrix.en.srt', target }]));
      expect(imported).toMatchObject([{ target: 'The Matrix (1999)/The Matrix (1999) (2).en.srt' }]);
    });

    it('does not take a link at the target for the file', async () => {
      mkdirSync(join(libraryRoot, 'The Matrix (1999)'));
      writeFileSync(join(libraryRoot, 'other.mkv'), content);
      symlinkSync(join(libraryRoot, 'other.mkv'), join(libraryRoot, FILM));
      const imported = await importIntoLibrary(request());
      expect(imported).toMatchObject([{ target: 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p] (2).mkv' }]);
    });
  });

  describe('refusals', () => {
    it('refuses a source that is a link, even one pointing inside the download', async () => {
      symlinkSync(join(saveDir, 'The.Matrix.1999', 'matrix.mkv'), join(saveDir, 'link.mkv'));
      await expect(importIntoLibrary(request([{ source: 'link.mkv', target: FILM }]))).rejects.toThrow(LibraryImportError);
      expect(existsSync(join(libraryRoot, 'The Matrix (1999)'))).toBe(false);
    });

    it('refuses a source that is a link to a file outside the download', async () => {
      writeFileSync(join(elsewhere, 'shadow'), 'secret');
      symlinkSync(join(elsewhere, 'shadow'), join(saveDir, 'shadow.mkv'));
      await expect(importIntoLibrary(request([{ source: 'shadow.mkv', target: FILM }]))).rejects.toThrow(UnsafePathError);
      expect(existsSync(join(libraryRoot, FILM))).toBe(false);
    });

    it('refuses a source that is not a regular file', async () => {
      await expect(importIntoLibrary(request([{ source: 'The.Matrix.1999', target: FILM }]))).rejects.toThrow(LibraryImportError);
    });

    it('refuses a FIFO without waiting for a writer', async () => {
      execFileSync('mkfifo', [join(saveDir, 'fifo.mkv')]);
      await expect(importIntoLibrary(request([{ source: 'fifo.mkv', target: FILM }]))).rejects.toThrow('not a regular file');
    });

    it('refuses a source outside the save directory', async () => {
      writeFileSync(join(downloadRoot, 'other.mkv'), content);
      await expect(importIntoLibrary(request([{ source: '../other.mkv', target: FILM }]))).rejects.toThrow(UnsafePathError);
    });

    it('refuses a save directory outside the download root', async () => {
      writeFileSync(join(elsewhere, 'matrix.mkv'), content);
      await expect(importIntoLibrary({ ...request([{ source: 'matrix.mkv', target: FILM }]), saveDir: elsewhere })).rejects.toThrow(UnsafePathError);
    });

    it('refuses a target outside the library', async () => {
      await expect(importIntoLibrary(request([{ source: 'The.Matrix.1999/matrix.mkv', target: '../elsewhere/x.mkv' }]))).rejects.toThrow(
        UnsafePathError,
      );
      expect(readdirSync(elsewhere)).toEqual([]);
    });

    it.each([
      ['hard link', undefined],
      ['copy', crossDeviceLink],
    ])('refuses a linked folder in the library that leads outside, writing nothing there (%s)', async (_method, link) => {
      symlinkSync(elsewhere, join(libraryRoot, 'The Matrix (1999)'));
      await expect(importIntoLibrary(request(), { link })).rejects.toThrow(UnsafePathError);
      expect(readdirSync(elsewhere)).toEqual([]);
    });

    it('refuses a linked folder deeper in the target path', async () => {
      mkdirSync(join(libraryRoot, 'Series'));
      symlinkSync(elsewhere, join(libraryRoot, 'Series', 'Show'));
      const target = 'Series/Show/Season 01/Show - S01E01.mkv';
      await expect(importIntoLibrary(request([{ source: 'The.Matrix.1999/matrix.mkv', target }]))).rejects.toThrow(UnsafePathError);
      expect(readdirSync(elsewhere)).toEqual([]);
    });
  });
});
