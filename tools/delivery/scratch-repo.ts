import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';

export const ROOT = join(__dirname, '../..');

const COMMENT: Record<string, string> = { '.ts': '// ', '.js': '// ', '.yml': '# ', '.yaml': '# ', '.sh': '# ' };

/**
 * The environment for git and Nx in a scratch repository: nothing inherited may point them back
 * at the real one (GIT_DIR from a hook, NX_WORKSPACE_ROOT_PATH from an enclosing Nx task), no
 * user or system git configuration (hooks, signing), a fixed identity, no colours, no prompts.
 */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(GIT_|NX_|GITHUB_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Sokoul Dev',
    GIT_AUTHOR_EMAIL: 'dev@sokoul.test',
    GIT_COMMITTER_NAME: 'Sokoul Dev',
    GIT_COMMITTER_EMAIL: 'dev@sokoul.test',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Plugins in-process rather than in worker processes: the same graph, twice as fast here.
    NX_ISOLATE_PLUGINS: 'false',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    CI: 'true',
    ...extra,
  };
}

/**
 * A throwaway copy of the workspace as it is on disk (tracked and untracked files, not ignored
 * ones) in its own git repository under the OS temp dir, sharing the real node_modules through a
 * symlink. Nothing here writes to the real repository.
 */
export class ScratchRepo {
  private constructor(readonly dir: string) {}

  static create(prefix = 'sokoul-scratch-'): ScratchRepo {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(ROOT, file)) && !lstatSync(join(ROOT, file)).isSymbolicLink());
    for (const file of new Set(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(dir, file));
    }
    const repo = new ScratchRepo(dir);
    repo.git('init', '--quiet', '--initial-branch=main');
    repo.git('add', '--all');
    repo.git('commit', '--quiet', '--message', 'chore: the workspace as it is');
    // A symlink is not matched by .gitignore's `node_modules/`: keep it out of git explicitly.
    appendFileSync(join(dir, '.git/info/exclude'), '/node_modules\n');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: isolatedEnv(), encoding: 'utf8' }).trim();
  }

  /** Appends a line to each file (a comment, in code) and commits them with `message`. */
  commit(message: string, files: string[]): void {
    for (const file of files) appendFileSync(join(this.dir, file), `\n${COMMENT[extname(file)] ?? ''}a change\n`);
    this.git('add', '--', ...files);
    this.git('commit', '--quiet', '--message', message);
  }

  /** Runs a command in the repository; never throws, so a failure can be shown with its output. */
  run(command: string, args: string[], extraEnv: Record<string, string> = {}): { status: number | null; output: string } {
    const result = spawnSync(command, args, {
      cwd: this.dir,
      env: isolatedEnv(extraEnv),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 150_000,
    });
    return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
  }

  /** `nx` as installed in the workspace, run in the scratch repository. */
  nx(...args: string[]): { status: number | null; output: string } {
    return this.run(process.execPath, [join(this.dir, 'node_modules/.bin/nx'), ...args]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
