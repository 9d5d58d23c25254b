import { type Machine, wasBusy } from './machine';
import type { Throughput } from './round-trip';
import { type ServiceName, type ServiceRun, SERVICES } from './services';
import { type Summary, medianOf } from './stats';

export interface BenchConfig {
  messages: number;
  warmup: number;
  blockSize: number;
  throughputMessages: number;
  inFlight: number;
  concurrency: number;
  serviceRuns: number;
}

export interface MessagingFigures {
  sequential: { raw: Summary; sokoul: Summary; ratio: { p50: number; p99: number; mean: number } };
  throughput?: { raw: Throughput; sokoul: Throughput; ratio: number };
}

export interface ServiceSummary {
  service: ServiceName;
  wallReadyMs?: number;
  readyLogMs?: number;
  startupMs?: number;
  rssBytes?: number;
  metricsRssBytes?: number;
  stopMs?: number;
  exits: string[];
  failures: number;
}

export interface BenchResult {
  generatedAt: string;
  machine: Machine;
  config: BenchConfig;
  messaging?: MessagingFigures;
  services?: { summary: ServiceSummary[]; runs: ServiceRun[] };
}

/** Medians over the runs of each service; a failed run counts in `failures`, not in the medians. */
export function summarizeServices(runs: ServiceRun[]): ServiceSummary[] {
  return SERVICES.map((service) => {
    const mine = runs.filter((r) => r.service === service);
    const median = (key: keyof ServiceRun) => medianOf(mine.map((r) => r[key] as number | undefined));
    return {
      service,
      wallReadyMs: median('wallReadyMs'),
      readyLogMs: median('readyLogMs'),
      startupMs: median('startupMs'),
      rssBytes: median('rssBytes'),
      metricsRssBytes: median('metricsRssBytes'),
      stopMs: median('stopMs'),
      exits: mine.map(describeExit),
      failures: mine.filter((r) => r.error).length,
    };
  });
}

/** A clean stop ends by SIGTERM (Nest re-raises it after draining) or, if the loop emptied first, code 0. */
function describeExit(run: ServiceRun): string {
  if (run.exitSignal) return run.exitSignal;
  return run.exitCode === undefined ? '?' : `code ${run.exitCode}`;
}

/** ['SIGTERM', 'SIGTERM', 'code 1'] → 'SIGTERM ×2, code 1'. */
function countExits(exits: string[]): string {
  const counts = new Map<string, number>();
  for (const exit of exits) counts.set(exit, (counts.get(exit) ?? 0) + 1);
  return [...counts].map(([exit, n]) => (n > 1 ? `${exit} ×${n}` : exit)).join(', ');
}

const ms = (value?: number, digits = 0) => (value === undefined ? '—' : `${value.toFixed(digits)} ms`);
const mib = (bytes?: number) => (bytes === undefined ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const count = (n: number) => n.toLocaleString('en-US');

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   '))
    .join('\n');
}

export function formatReport(result: BenchResult): string {
  const sections = [formatHeader(result)];
  if (result.messaging) sections.push(formatMessaging(result.messaging, result.config));
  if (result.services) sections.push(formatServices(result.services, result.config));
  return `${sections.join('\n\n')}\n`;
}

function formatHeader({ generatedAt, machine }: BenchResult): string {
  const load = (figures: number[]) => figures.map((l) => l.toFixed(2)).join(' ');
  const atEnd = machine.loadAverageAtEnd ? `, ${load(machine.loadAverageAtEnd)} at end` : '';
  const lines = [
    `Sokoul messaging benchmark — ${generatedAt}`,
    `  CPU      ${machine.cpuModel}, ${machine.cores} cores`,
    `  Node     ${machine.node} on ${machine.os}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM`,
    `  NATS     ${machine.natsServer ?? 'unknown'} (JetStream, file storage)`,
    `  Load     ${load(machine.loadAverage)} at start${atEnd} (1/5/15 min)`,
  ];
  if (wasBusy(machine)) {
    lines.push('  Warning: the machine was busy when the bench started (load ≥ cores): figures are noisy, compare runs made when it is quiet.');
  }
  return lines.join('\n');
}

function formatMessaging(figures: MessagingFigures, config: BenchConfig): string {
  const { raw, sokoul, ratio } = figures.sequential;
  const row = (label: string, s: Summary) => [label, ms(s.p50, 3), ms(s.p99, 3), ms(s.mean, 3), ms(s.min, 3), ms(s.max, 3)];
  const lines = [
    '1. Round trip: publish search.requested → worker publishes search.completed → requester receives it',
    `  ${count(config.messages)} sequential round trips each, after ${count(config.warmup)} warm-up, alternating in blocks of ${config.blockSize}`,
    '',
    table([
      ['', 'p50', 'p99', 'mean', 'min', 'max'],
      row('raw nats.js', raw),
      row('Sokoul', sokoul),
      ['Sokoul / raw', times(ratio.p50), times(ratio.p99), times(ratio.mean), '', ''],
    ]),
  ];
  if (figures.throughput) {
    const { raw: r, sokoul: s, ratio: t } = figures.throughput;
    lines.push(
      '',
      `  Throughput: ${count(r.messages)} round trips, ${r.inFlight} in flight, ${config.concurrency} handlers per consumer`,
      table([
        ['raw nats.js', `${r.perSecond.toFixed(0)} msg/s`, `(${(r.durationMs / 1000).toFixed(2)} s)`],
        ['Sokoul', `${s.perSecond.toFixed(0)} msg/s`, `(${(s.durationMs / 1000).toFixed(2)} s)`],
        ['Sokoul / raw', times(t), ''],
      ]),
    );
  }
  lines.push('', `  Headline: Sokoul / raw = ${times(ratio.p50)} at p50, ${times(ratio.p99)} at p99 (1.00× = no overhead).`);
  return lines.join('\n');
}

function formatServices(services: NonNullable<BenchResult['services']>, config: BenchConfig): string {
  const rows = [['service', 'ready (wall)', 'ready (self)', 'RSS (VmRSS)', 'RSS (/metrics)', 'stop', 'exit']];
  for (const s of services.summary) {
    rows.push([
      s.service,
      ms(s.wallReadyMs),
      ms(s.startupMs),
      mib(s.rssBytes),
      mib(s.metricsRssBytes),
      ms(s.stopMs),
      countExits(s.exits) + (s.failures ? `  (${s.failures} failed)` : ''),
    ]);
  }
  const lines = [
    `2. Services: start-to-ready and idle RSS, median of ${config.serviceRuns} starts each`,
    '  ready (wall): spawn → GET /health/ready 200; ready (self): the service\'s own startupMs;',
    '  RSS after 5 s idle; stop: SIGTERM → exit.',
    '',
    table(rows),
  ];
  const failed = services.runs.filter((r) => r.error);
  if (failed.length) {
    lines.push('', '  Failed runs:');
    for (const run of failed) lines.push(`  - ${run.service} #${run.run}: ${run.error}`);
  }
  return lines.join('\n');
}
