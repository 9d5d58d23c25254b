import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The commit hooks are what keeps `nx release` honest (it reads conventional commits) and
// credentials out of history. Run here as a developer's commit would run them.
const ROOT = join(__dirname, '../..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

function commitlint(message: string): { ok: boolean; output: string } {
  const result = spawnSync(bin('commitlint'), [], { cwd: ROOT, input: message, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

describe('commit hooks', () => {
  it('run lint-staged before a commit and commitlint on its message', () => {
    expect(readFileSync(join(ROOT, '.husky/pre-commit'), 'utf8')).toContain('lint-staged');
    expect(readFileSync(join(ROOT, '.husky/commit-msg'), 'utf8')).toContain('commitlint --edit "$1"');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBe('husky');
  });

  it.each(['feat(scout): rank releases by the oracle verdict', 'fix(hunter): keep seeding after a restart', 'docs: the sentinel in the README', 'feat(gateway)!: a breaking change\n\nBREAKING CHANGE: the old route is gone'])(
    'accepts the conventional commit "%s"',
    (message) => {
      expect(commitlint(message)).toMatchObject({ ok: true });
    },
  );

  it.each([
    ['no type', 'Oracle judges releases'],
    ['an unknown type', 'feature(scout): rank releases'],
    ['an empty subject', 'fix(hunter): '],
  ])('refuses a message with %s', (_, message) => {
    expect(commitlint(message).ok).toBe(false);
  });

  it('lints staged TypeScript and scans every staged file for credentials', () => {
    // An ES module, which this CommonJS jest cannot import: its text says what runs on what.
    const config = readFileSync(join(ROOT, 'lint-staged.config.mjs'), 'utf8');
    expect(config).toMatch(/'\*\.\{ts,js,mjs,cjs\}': \['eslint --fix/);
    expect(config).toMatch(/'\*': \['secretlint /);
  });

  it('finds no credential in the repository', () => {
    // `npm run secretlint` in CI; a fixture that looks like one is marked inline where it stands.
    expect(() => execFileSync(bin('secretlint'), ['--secretlintignore', '.gitignore', '**/*'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('refuses a file that holds a credential', () => {
    const leaked = spawnSync(bin('secretlint'), ['--stdinFileName', 'leak.env'], {
      cwd: ROOT,
      input: `GITHUB_TOKEN=ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}\n`,
      encoding: 'utf8',
    });
    expect(leaked.status).not.toBe(0);
  });
});
