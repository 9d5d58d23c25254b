import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, ScratchRepo } from './scratch-repo';

// How `nx release` (configured in nx.json) versions the five services, proven on a scratch
// copy of the workspace: every service tagged <service>@0.1.0, then conventional commits, then
// `nx release --dry-run` (what a release manager runs) or the release workflow's own step.

const SERVICES = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'];
/** How GitHub runs a step whose shell is `bash`. */
const BASH = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];
const every = (version: string) => Object.fromEntries(SERVICES.map((service) => [service, version]));

interface Plan {
  /** service → the version it would be released as; services not released are absent. */
  versions: Record<string, string>;
  /** The tags it would create. */
  tags: string[];
}

/** Reads `nx release --dry-run --verbose` output: the new version lines and the git tag commands. */
function readPlan(output: string): Plan {
  const versions: Record<string, string> = {};
  for (const [, service, version] of output.matchAll(/^(\S+) .* to get new version (\S+)$/gm)) versions[service] = version;
  const tags = [...output.matchAll(/^git tag --annotate (\S+) /gm)].map(([, tag]) => tag).sort();
  return { versions, tags };
}

/** What these specs must never change in the real repository. */
function realRepository() {
  return {
    tags: execFileSync('git', ['tag', '--list'], { cwd: ROOT, encoding: 'utf8' }),
    changelogs: SERVICES.map((service) => {
      const file = join(ROOT, 'apps', service, 'CHANGELOG.md');
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    }),
  };
}

const before = realRepository();
let repo: ScratchRepo;
let branches = 0;

beforeAll(() => {
  repo = ScratchRepo.create('sokoul-release-');
  for (const service of SERVICES) repo.git('tag', '--annotate', `${service}@0.1.0`, '--message', `${service}@0.1.0`);
});

afterAll(() => repo?.remove());

/** A branch off the tagged start with these commits ([message, files changed]). */
function branch(commits: Array<[string, string[]]>): void {
  repo.git('switch', '--quiet', '--create', `scenario-${++branches}`, 'main');
  for (const [message, files] of commits) repo.commit(message, files);
}

function dryRun(...args: string[]): Plan {
  const { status, output } = repo.nx('release', '--dry-run', '--skip-publish', '--verbose', ...args);
  if (status !== 0) throw new Error(`nx release --dry-run failed:\n${output}`);
  const plan = readPlan(output);
  // Every version has its tag and every tag its version: the workflow builds images from the tags.
  expect(plan.tags).toEqual(Object.entries(plan.versions).map(([service, version]) => `${service}@${version}`).sort());
  return plan;
}

describe('nx release, one version per service', () => {
  it("releases a fix in a service's own code as a patch of that service alone", () => {
    branch([['fix(scout): keep the ranking stable across pages', ['apps/scout/src/main.ts']]]);
    expect(dryRun().versions).toEqual({ scout: '0.1.1' });
  });

  it('releases a feature in the contracts as a minor of every service, all of which depend on them', () => {
    branch([['feat: a subject for download progress', ['libs/contracts/src/index.ts']]]);
    expect(dryRun().versions).toEqual(every('0.2.0'));
  });

  it('bumps every service a commit affects as its type says, whatever its scope', () => {
    // With scopes as filters (Nx's default) this breaking change would be a patch of each.
    branch([['feat(contracts)!: subjects carry a version', ['libs/contracts/src/index.ts']]]);
    expect(dryRun().versions).toEqual(every('1.0.0'));
  });

  it('releases only the services named with --projects, with the bump or version given if any', () => {
    branch([['feat: a subject for download progress', ['libs/contracts/src/index.ts']]]);
    expect(dryRun('--projects=scout').versions).toEqual({ scout: '0.2.0' });
    expect(dryRun('1.0.0', '--projects=hunter,oracle').versions).toEqual({ hunter: '1.0.0', oracle: '1.0.0' });
  });

  it('releases a major for a breaking change, marked with ! or with a BREAKING CHANGE footer; perf is a patch', () => {
    branch([
      ['feat(scout)!: results are paginated', ['apps/scout/src/main.ts']],
      ['fix(hunter): one torrent client at a time\n\nBREAKING CHANGE: HUNTER_CLIENTS is now HUNTER_CLIENT.', ['apps/hunter/src/main.ts']],
      // A library only the sentinel uses: only the sentinel is released.
      ['perf: probe dependencies in parallel', ['libs/sentinel/monitoring/src/index.ts']],
    ]);
    expect(dryRun().versions).toEqual({ scout: '1.0.0', hunter: '1.0.0', sentinel: '0.1.1' });
  });
});

describe('the release workflow', () => {
  const workflow = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8')) as {
    jobs: { release: { steps: Array<{ id?: string; name?: string; run?: string }> } };
  };
  const script = workflow.jobs.release.steps.find((step) => step.id === 'release')?.run ?? '';
  let origin: string;
  let outputs: string;

  beforeAll(() => {
    origin = mkdtempSync(join(tmpdir(), 'sokoul-origin-'));
    outputs = mkdtempSync(join(tmpdir(), 'sokoul-outputs-'));
    execFileSync('git', ['init', '--quiet', '--bare', origin]);
    repo.git('remote', 'add', 'origin', origin);
    repo.git('push', '--quiet', 'origin', 'main', '--tags');
  });

  afterAll(() => {
    rmSync(origin, { recursive: true, force: true });
    rmSync(outputs, { recursive: true, force: true });
  });

  /** Runs the workflow's release step as GitHub would on main; returns its step outputs. */
  function releaseStep(): Record<string, string> {
    const output = join(outputs, `output-${Date.now()}`);
    writeFileSync(output, '');
    const { status, output: log } = repo.run('bash', [...BASH, script], {
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: join(outputs, 'summary.md'),
      GITHUB_REF: 'refs/heads/main',
      DRY_RUN: 'false',
      PROJECTS: '',
      SPECIFIER: '',
    });
    if (status !== 0) throw new Error(`the release step failed:\n${log}`);
    return Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }

  const originRef = (ref: string) => execFileSync('git', ['--git-dir', origin, 'rev-parse', ref], { encoding: 'utf8' }).trim();
  const changelog = (service: string) => readFileSync(join(repo.dir, 'apps', service, 'CHANGELOG.md'), 'utf8');

  describe('checks its inputs before anything else', () => {
    const check = workflow.jobs.release.steps[0].run ?? '';
    const accepts = (env: Record<string, string>) => {
      const inputs = { GITHUB_REF: 'refs/heads/main', DRY_RUN: 'false', PROJECTS: '', SPECIFIER: '', ...env };
      return spawnSync('bash', [...BASH, check], { env: { PATH: process.env['PATH'], ...inputs }, stdio: 'ignore' }).status === 0;
    };

    it('runs first, on its own', () => {
      expect(workflow.jobs.release.steps[0].name).toBe('Check the inputs');
      expect(check).not.toContain('${{');
    });

    it('cuts a real release from main only; a dry run from any branch', () => {
      expect(accepts({})).toBe(true);
      expect(accepts({ GITHUB_REF: 'refs/heads/feature' })).toBe(false);
      expect(accepts({ GITHUB_REF: 'refs/heads/feature', DRY_RUN: 'true' })).toBe(true);
    });

    it('takes service names, comma-separated, and nothing else', () => {
      expect(accepts({ PROJECTS: 'scout' })).toBe(true);
      expect(accepts({ PROJECTS: 'scout,hunter' })).toBe(true);
      expect(accepts({ PROJECTS: 'scout, hunter' })).toBe(false);
      expect(accepts({ PROJECTS: 'scout;touch pwned' })).toBe(false);
      expect(accepts({ PROJECTS: '$(id)' })).toBe(false);
    });

    it('takes a bump or an exact version, for named services only', () => {
      expect(accepts({ SPECIFIER: 'major', PROJECTS: 'scout' })).toBe(true);
      expect(accepts({ SPECIFIER: '1.0.0', PROJECTS: 'scout' })).toBe(true);
      expect(accepts({ SPECIFIER: '1.0.0' })).toBe(false);
      expect(accepts({ SPECIFIER: 'latest', PROJECTS: 'scout' })).toBe(false);
      expect(accepts({ SPECIFIER: '1.0.0 --yes', PROJECTS: 'scout' })).toBe(false);
    });
  });

  it('releases with a script of its own, runnable outside GitHub', () => {
    expect(script).toMatch(/npx nx release/);
    expect(script).not.toContain('${{');
  });

  it('commits the changelogs, tags each released service, pushes both and names what to build', () => {
    branch([
      ['feat: consumers report their lag', ['libs/messaging/src/index.ts']],
      ['fix(scout): keep the ranking stable across pages', ['apps/scout/src/main.ts']],
    ]);
    const start = repo.git('rev-parse', 'HEAD');
    const { released, sha } = releaseStep();

    const head = repo.git('rev-parse', 'HEAD');
    expect(sha).toBe(head);
    expect(repo.git('rev-parse', 'HEAD^')).toBe(start);
    expect(repo.git('log', '-1', '--format=%s')).toBe('chore(release): publish');
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(SERVICES.map((s) => `apps/${s}/CHANGELOG.md`).sort());

    const tags = SERVICES.map((service) => `${service}@0.2.0`);
    expect(JSON.parse(released)).toEqual(expect.arrayContaining(SERVICES.map((service) => ({ service, version: '0.2.0' }))));
    expect(JSON.parse(released)).toHaveLength(SERVICES.length);
    expect(repo.git('tag', '--points-at', 'HEAD').split('\n').sort()).toEqual([...tags].sort());
    expect(originRef('refs/heads/main')).toBe(head);
    for (const tag of tags) expect(originRef(`${tag}^{commit}`)).toBe(head);

    // Each service's changelog lists what decided its version, library commits included.
    expect(changelog('hunter')).toMatch(/^## 0\.2\.0 /);
    expect(changelog('hunter')).toContain('- **messaging:** consumers report their lag');
    expect(changelog('hunter')).not.toContain('ranking');
    expect(changelog('scout')).toContain('- **messaging:** consumers report their lag');
    expect(changelog('scout')).toContain('- **scout:** keep the ranking stable across pages');
  });

  it('releases nothing, and pushes nothing, when no commit since the last tags calls for a version', () => {
    repo.commit('docs(scout): explain the ranking', ['apps/scout/README.md']);
    repo.commit('refactor: name things', ['libs/contracts/src/index.ts']);
    repo.commit('test(hunter): one more case', ['apps/hunter/src/main.ts']);
    repo.commit('ci: cache the Nx cache', ['.github/workflows/ci.yml']);
    repo.commit('feat: a word on architecture', ['docs/architecture.md']); // in no project
    const head = repo.git('rev-parse', 'HEAD');
    const pushed = originRef('refs/heads/main');

    expect(releaseStep()).toEqual({ released: '[]' });
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(originRef('refs/heads/main')).toBe(pushed);
  });
});

describe('the real repository', () => {
  it('was left alone', () => {
    expect(realRepository()).toEqual(before);
  });
});
