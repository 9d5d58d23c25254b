import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from './scenario';

/** The suite's one table, as Markdown (printed, and written to docs/reliability.md). */
export function reliabilityTable(results: readonly ScenarioResult[]): string {
  const header = '| scenario | load | faults injected | sent | lost | duplicated | 5xx | p99 |\n|---|---|---|---:|---:|---:|---:|---:|';
  const rows = results.map(
    (r) => `| ${r.scenario} | ${r.load} | ${r.faults} | ${r.sent.toLocaleString('en')} ${r.unit} | ${r.lost} | ${r.duplicated} | ${r.http5xx} | ${r.p99Ms === null ? '—' : `${Math.round(r.p99Ms)} ms`} |`,
  );
  return [header, ...rows].join('\n');
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.versions.node}`;
}

export function reliabilityDocument(results: readonly ScenarioResult[], date: string): string {
  const notes = results.flatMap((r) => r.notes.map((note) => `- **${r.scenario}**: ${note}`));
  return `# Reliability

Written by \`npm run chaos\` (tools/chaos) on ${date}, ${machineLine()}. Every "lost" and
"duplicated" cell must read 0; the suite fails otherwise. The CI runs the same scenarios at a
smaller scale (\`nx run chaos:e2e\`).

${reliabilityTable(results)}

## Notes
${notes.join('\n')}
${keptLoadSection()}`;
}

/** The section tools/load writes between its markers, kept as it is when the suite rewrites the file. */
function keptLoadSection(): string {
  const path = join(__dirname, '../../docs/reliability.md');
  const kept = existsSync(path) ? /<!-- load:start -->[\s\S]*?<!-- load:end -->/.exec(readFileSync(path, 'utf8'))?.[0] : undefined;
  return kept ? `\n${kept}\n` : '';
}
