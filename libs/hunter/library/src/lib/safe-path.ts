/**
 * Paths that stay inside a root: checked lexically (no absolute path, no `..`) and then on
 * disk, by resolving every existing ancestor's symlinks, so a link planted inside the root that
 * points outside is refused rather than written through.
 *
 * What it cannot rule out is a link swapped in between the check and the use: callers that
 * create files check again after creating the folders, and open with `O_EXCL`/`O_NOFOLLOW`.
 */
import { lstatSync, promises as fs, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative as relativeTo, resolve, sep } from 'node:path';

export class UnsafePathError extends Error {
  constructor(
    readonly root: string,
    readonly relativePath: string,
    detail: string,
  ) {
    super(`${JSON.stringify(relativePath)} is not safely inside ${root}: ${detail}`);
    this.name = 'UnsafePathError';
  }
}

/**
 * The absolute path of `relative` under `root`, guaranteed inside it as the disk stands now;
 * throws `UnsafePathError` otherwise. `''` is the root itself, which must exist.
 */
export function resolveInside(root: string, relative: string): string {
  const target = resolveLexically(root, relative);
  let existing = target;
  // Walks up until something exists: what does not exist yet cannot be a link.
  while (!existsSync(existing)) existing = dirname(existing);
  const realRoot = realOrRefuse(root, relative, 'the root', () => realpathSync(resolve(root)));
  const realExisting = realOrRefuse(root, relative, existing, () => realpathSync(existing));
  checkReal(root, relative, realRoot, realExisting);
  return target;
}

/** `resolveInside` without blocking the event loop on the file system. */
export async function resolveInsideAsync(root: string, relative: string): Promise<string> {
  const target = resolveLexically(root, relative);
  let existing = target;
  while (!(await exists(existing))) existing = dirname(existing);
  const realRoot = await realOrRefuseAsync(root, relative, 'the root', () => fs.realpath(resolve(root)));
  const realExisting = await realOrRefuseAsync(root, relative, existing, () => fs.realpath(existing));
  checkReal(root, relative, realRoot, realExisting);
  return target;
}

function resolveLexically(root: string, relative: string): string {
  if (!isAbsolute(root)) throw new UnsafePathError(root, relative, 'the root is not an absolute path');
  if (relative.includes('\0')) throw new UnsafePathError(root, relative, 'a NUL character');
  if (isAbsolute(relative)) throw new UnsafePathError(root, relative, 'an absolute path');
  // A backslash is a separator on Windows and SMB: a name that holds one is not what it seems.
  if (relative.includes('\\')) throw new UnsafePathError(root, relative, 'a backslash');
  if (relative.split('/').includes('..')) throw new UnsafePathError(root, relative, 'a `..` step');
  const base = resolve(root);
  const target = resolve(base, relative);
  if (!isWithin(base, target)) throw new UnsafePathError(root, relative, 'it resolves outside');
  return target;
}

// lstat, not stat: a dangling link exists, and must be judged (and refused) rather than skipped.
function existsSync(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    return ignoreMissing(error);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (error) {
    return ignoreMissing(error);
  }
}

function ignoreMissing(error: unknown): false {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
  throw error;
}

function checkReal(root: string, relative: string, realRoot: string, realExisting: string): void {
  if (!isWithin(realRoot, realExisting)) {
    throw new UnsafePathError(root, relative, `a link leads to ${realExisting}, outside the root`);
  }
}

function realOrRefuse(root: string, relative: string, what: string, realpath: () => string): string {
  try {
    return realpath();
  } catch (error) {
    throw unresolvable(root, relative, what, error);
  }
}

async function realOrRefuseAsync(root: string, relative: string, what: string, realpath: () => Promise<string>): Promise<string> {
  try {
    return await realpath();
  } catch (error) {
    throw unresolvable(root, relative, what, error);
  }
}

/** A dangling link (or a loop) cannot be proven to stay inside. */
function unresolvable(root: string, relative: string, what: string, error: unknown): UnsafePathError {
  return new UnsafePathError(root, relative, `cannot resolve ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

function isWithin(base: string, path: string): boolean {
  const step = relativeTo(base, path);
  return step === '' || (step !== '..' && !step.startsWith(`..${sep}`) && !isAbsolute(step));
}
