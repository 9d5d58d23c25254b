import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsafePathError, resolveInside, resolveInsideAsync } from './safe-path';

describe.each([
  ['resolveInside', async (root: string, relative: string) => resolveInside(root, relative)],
  ['resolveInsideAsync', resolveInsideAsync],
])('%s', (_name, resolveIn) => {
  let sandbox: string;
  let root: string;
  /** Outside the root: where an escaping link points. */
  let elsewhere: string;

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'sokoul-safe-path-'));
    root = join(sandbox, 'library');
    elsewhere = join(sandbox, 'elsewhere');
    mkdirSync(join(root, 'Films'), { recursive: true });
    mkdirSync(elsewhere);
  });

  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  it('gives the absolute path under the root, existing or not', async () => {
    await expect(resolveIn(root, 'Films/The Matrix (1999)/x.mkv')).resolves.toBe(join(root, 'Films', 'The Matrix (1999)', 'x.mkv'));
    await expect(resolveIn(root, 'Films')).resolves.toBe(join(root, 'Films'));
    await expect(resolveIn(root, '')).resolves.toBe(root);
  });

  it.each([
    ['a `..` step out', '../elsewhere/x'],
    ['a `..` step that stays inside', 'Films/../x'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', 'Films\\..\\..\\x'],
    ['a NUL character', 'Films/x\u0000.mkv'],
  ])('refuses %s', async (_case, relative) => {
    await expect(resolveIn(root, relative)).rejects.toThrow(UnsafePathError);
  });

  it('refuses a relative root', async () => {
    await expect(resolveIn('library', 'x')).rejects.toThrow(UnsafePathError);
  });

  it('refuses a path through a linked folder that leads outside', async () => {
    symlinkSync(elsewhere, join(root, 'Films', 'evil'));
    await expect(resolveIn(root, 'Films/evil/x.mkv')).rejects.toThrow(/outside the root/);
    await expect(resolveIn(root, 'Films/evil')).rejects.toThrow(UnsafePathError);
  });

  it('refuses a file that is a link to outside', async () => {
    writeFileSync(join(elsewhere, 'passwd'), 'secret');
    symlinkSync(join(elsewhere, 'passwd'), join(root, 'Films', 'x.mkv'));
    await expect(resolveIn(root, 'Films/x.mkv')).rejects.toThrow(UnsafePathError);
  });

  it('refuses a dangling link, which writing through would create outside', async () => {
    symlinkSync(join(elsewhere, 'not-yet'), join(root, 'Films', 'x.mkv'));
    await expect(resolveIn(root, 'Films/x.mkv')).rejects.toThrow(UnsafePathError);
  });

  it('accepts a link that stays inside the root', async () => {
    mkdirSync(join(root, 'Series'));
    symlinkSync(join(root, 'Series'), join(root, 'Films', 'tv'));
    await expect(resolveIn(root, 'Films/tv/Show/x.mkv')).resolves.toBe(join(root, 'Films', 'tv', 'Show', 'x.mkv'));
  });

  it('accepts a root that is itself a link', async () => {
    const linkedRoot = join(sandbox, 'library-link');
    symlinkSync(root, linkedRoot);
    await expect(resolveIn(linkedRoot, 'Films/x.mkv')).resolves.toBe(join(linkedRoot, 'Films', 'x.mkv'));
  });

  it('refuses a missing root', async () => {
    await expect(resolveIn(join(sandbox, 'missing'), 'x.mkv')).rejects.toThrow(UnsafePathError);
  });
});
