import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SoakReport, SpikeReport } from './load-run';

export const LOAD_START = '<!-- load:start -->';
export const LOAD_END = '<!-- load:end -->';
const DOCUMENT = join(__dirname, '../../docs/reliability.md');

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—');
const mib = (v: number) => (Number.isFinite(v) ? `${Math.round(v)}` : '—');
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.versions.node}`;
}

export function spikeTable(reports: readonly SpikeReport[]): string {
  const header =
    '| WS clients | phase | target req/s | answered req/s | requests | p50 | p99 | max | error rate | gateway RSS MiB (start / max / end) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---|';
  const rows = reports.flatMap((r) =>
    r.phases.map(
      (p) =>
        `| ${r.wsClients.toLocaleString('en')} | ${p.name} (${p.seconds} s) | ${p.rate} | ${p.answeredPerSecond.toFixed(0)} | ${p.requests.toLocaleString('en')} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${ms(p.maxMs)} | ${pct(p.errorRate)}${p.errors > 0 ? ` (${Object.entries(p.statuses).filter(([s]) => !(Number(s) < 400)).map(([s, n]) => `${s}×${n}`).join(', ')})` : ''} | ${mib(p.gatewayRssMiB.start)} / ${mib(p.gatewayRssMiB.max)} / ${mib(p.gatewayRssMiB.end)} |`,
    ),
  );
  return [header, ...rows].join('\n');
}

export function spikeNotes(reports: readonly SpikeReport[]): string[] {
  return reports.map((r) => {
    const recovery = r.recoveryMs === null ? 'not back within the post phase' : `${(r.recoveryMs / 1000).toFixed(1)} s`;
    const rss = Object.entries(r.rssMiB).map(([name, v]) => `${name} ${mib(v.before)}→${mib(v.after)}`).join(', ');
    const cpu = r.phases.map((p) => `${p.name} ${Object.entries(p.cpuCores).map(([name, c]) => `${name} ${c.toFixed(2)}`).join(', ')}`).join('; ');
    return `${r.wsClients.toLocaleString('en')} WS clients (machine load average ${r.loadAverageBefore.toFixed(1)} before): recovery to 1.2× the pre-spike p99 (${r.recoveryWindowMs / 1000} s windows): ${recovery}; WS ${r.ws.authenticated}/${r.wsClients} authenticated, ${r.ws.openAtEnd} still open at the end, ${r.ws.frames.toLocaleString('en')} frames received (${Object.entries(r.ws.framesByType).map(([t, n]) => `${t} ${n}`).join(', ')}), unexpected closes ${JSON.stringify(r.ws.unexpectedCloses)}; RSS MiB before→after: ${rss}; CPU in cores by phase: ${cpu}`;
  });
}

export function soakTable(report: SoakReport): string {
  const header = '| service | RSS start MiB | RSS end MiB | RSS slope MiB/min | event-loop lag p99 start | end | slope ms/min |\n|---|---:|---:|---:|---:|---:|---:|';
  const rows = Object.keys(report.rss).map((name) => {
    const r = report.rss[name] as SoakReport['rss'][string];
    const l = report.lag[name] as SoakReport['lag'][string];
    return `| ${name} | ${mib(r.start)} | ${mib(r.end)} | ${r.slopePerMinute.toFixed(2)} | ${l.start.toFixed(1)} ms | ${l.end.toFixed(1)} ms | ${l.slopePerMinute.toFixed(2)} |`;
  });
  return [header, ...rows].join('\n');
}

export function soakNote(report: SoakReport): string {
  return `soak ${report.minutes} min at ${report.rate} req/s with ${report.wsClients} WS clients: ${report.requests.toLocaleString('en')} requests, ${report.errors} errors${report.errors > 0 ? ` (${Object.entries(report.errorKinds).map(([k, n]) => `${k}×${n}`).join(', ')})` : ''}, ${report.wsOpenAtEnd}/${report.wsClients} WS clients open at the end; per-sample p99 ${report.samples.slice(1).map((s) => ms(s.p99Ms)).join(', ')}`;
}

/** The Markdown section the load tool owns in docs/reliability.md, markers included. */
export function loadSection(spikes: readonly SpikeReport[], soak: SoakReport | undefined, date: string, remarks: readonly string[] = []): string {
  const settings = [...new Set([...spikes.flatMap((s) => s.settings), ...(soak?.settings ?? [])])];
  return `${LOAD_START}
## Load

Written by \`npm run load\` (tools/load) on ${date}, ${machineLine()}. Every service runs as a
process on this one machine with the load generator, Postgres, Redis and NATS. The traffic is an
open model: requests are sent at the target rate whether or not earlier ones were answered, and
latency counts from when a request was due. The mix is 40 % \`GET /users/me\`, 30 % \`GET /searches\`,
25 % \`GET /searches/:id\` and 5 % \`POST /searches\`. The CI runs a small version (\`nx run load:e2e\`).

${spikeTable(spikes)}

${spikeNotes(spikes).map((n) => `- ${n}`).join('\n')}
${soak ? `\n${soakTable(soak)}\n\n- ${soakNote(soak)}\n` : ''}${[...settings, ...remarks].map((s) => `- ${s}`).join('\n')}
${LOAD_END}`;
}

/** Replaces the load section of docs/reliability.md (or adds it; creates the file if needed). */
export function writeLoadSection(section: string, path = DOCUMENT): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = text.indexOf(LOAD_START);
  const end = text.indexOf(LOAD_END);
  const next =
    start >= 0 && end > start ? `${text.slice(0, start)}${section}${text.slice(end + LOAD_END.length)}` : text ? `${text.trimEnd()}\n\n${section}\n` : `${section}\n`;
  writeFileSync(path, next);
}
