import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface Graph {
  graph: {
    nodes: Record<string, { type: 'app' | 'lib' | 'e2e'; data: { tags?: string[] } }>;
    dependencies: Record<string, Array<{ target: string }>>;
  };
}

function projectGraph(): Graph['graph'] {
  const file = join(mkdtempSync(join(tmpdir(), 'sokoul-graph-')), 'graph.json');
  execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'graph', `--file=${file}`], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'pipe',
  });
  return (JSON.parse(readFileSync(file, 'utf8')) as Graph).graph;
}

/** Lints `code` as if it were saved at `file` (nothing is written) and returns the boundary errors. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  // The CLI, not the ESLint API: the flat config is an ES module, which jest's VM cannot import.
  const run = spawnSync(process.execPath, [require.resolve('eslint/bin/eslint'), '--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  const graph = projectGraph();
  const ours = (name: string) => name in graph.nodes;

  it('lets the five services depend only on libraries, never on each other', () => {
    const apps = Object.keys(graph.nodes).filter((name) => graph.nodes[name].data.tags?.includes('type:app'));
    expect(apps.sort()).toEqual(['gateway', 'hunter', 'oracle', 'scout', 'sentinel']);
    for (const app of apps) {
      const targets = graph.dependencies[app].map((d) => d.target).filter(ours);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(`${app} -> ${target}: ${graph.nodes[target].type}`).toBe(`${app} -> ${target}: lib`);
    }
  });

  it('keeps the contracts free of any other project of ours', () => {
    expect(graph.dependencies['contracts'].map((d) => d.target).filter(ours)).toEqual([]);
  });

  it('tags every project with a scope and a type', () => {
    for (const [name, node] of Object.entries(graph.nodes)) {
      const tags = node.data.tags ?? [];
      expect(`${name}: ${tags.some((t) => t.startsWith('scope:'))} ${tags.some((t) => t.startsWith('type:'))}`).toBe(`${name}: true true`);
    }
  });

  it('fails lint when an app imports another app', async () => {
    const errors = await boundaryErrors('apps/scout/src/leak.ts', `import { AppModule } from '../../gateway/src/app.module';\nexport const leak = AppModule;\n`);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fails lint when the contracts import another library of ours', async () => {
    const errors = await boundaryErrors('libs/contracts/src/leak.ts', `import { counter } from '@sokoul/observability';\nexport const leak = counter;\n`);
    expect(errors.join('\n')).toMatch(/type:contracts/);
  });

  it("fails lint when a worker's library reaches into another service's scope", async () => {
    const errors = await boundaryErrors('libs/scout/search/src/leak.ts', `import { ProblemException } from '@sokoul/gateway/http';\nexport const leak = ProblemException;\n`);
    expect(errors.join('\n')).toMatch(/scope:scout/);
  });

  it('lets a feature library use a data-access library of its own scope or shared', async () => {
    const errors = await boundaryErrors('libs/scout/search/src/fine.ts', `import { SearchRepository } from '@sokoul/persistence';\nexport const fine = SearchRepository;\n`);
    expect(errors).toEqual([]);
  });
});
