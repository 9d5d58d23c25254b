import { type Machine, wasBusy } from '../messaging/machine';
import { type LoadFigures, NOISY_CORES, type RouteFigures } from './load';
import type { ProfileEntry, ProfileSummary } from './profile';

/** The gateway must keep at least this share of the bare route's throughput (the issue's target). */
export const TARGET_RATIO = 0.5;

export type TargetKey = 'bare-express' | 'bearer' | 'api-key' | 'bearer-no-redis' | 'bare-lookup' | 'bare-fastify';

export interface BenchConfig {
  connections: number;
  rounds: number;
  /** Per route and round. */
  durationS: number;
  warmupS: number;
  logLevel: string;
  rateLimitPerMinute: number;
  fastifyFrom?: string;
  profile: boolean;
  /** The build measured, when not dist/apps/gateway (`--gateway-main`). */
  gatewayMain?: string;
}

export interface Versions {
  node: string;
  nest: string;
  express: string;
  fastify?: string;
  platformFastify?: string;
}

export interface Ratio {
  requestsPerSecond: number;
  p99: number;
  /**
   * The baseline's server CPU per request over this route's: the req/s ratio the two would reach
   * with a core each to themselves. Steadier than req/s when other work shares the machine.
   */
  byCpu: number;
}

export interface BenchResult {
  generatedAt: string;
  machine: Machine;
  config: BenchConfig;
  versions: Versions;
  /** Each route over its rounds. */
  results: RouteFigures[];
  /** Each route against the bare Express route (a) measured in the same round: the median over the rounds. */
  ratios: Partial<Record<TargetKey, Ratio>>;
  /** The gateway (b) against itself with the rate limit stubbed (d), same way. */
  rateLimitCost: Ratio;
  targetMet?: { bearer: boolean; apiKey: boolean };
  profiles?: Partial<Record<'bearer' | 'api-key', ProfileSummary & { requestsPerSecond: number; file: string }>>;
  /** Every measured run, round by round. */
  rounds: LoadFigures[][];
  /** The gateways' reads through their in-memory copies of Postgres rows, by cache, over the whole run. */
  cacheReads?: CacheReads;
}

/** `joined`: misses that waited for a read of the same row already under way. */
export type CacheReads = Record<string, { memory: number; database: number; joined: number }>;

export function ratioOf(figures: LoadFigures, baseline: LoadFigures): Ratio {
  return {
    requestsPerSecond: figures.requestsPerSecond / baseline.requestsPerSecond,
    p99: figures.p99Ms / baseline.p99Ms,
    byCpu: baseline.serverCpuPerRequestUs / figures.serverCpuPerRequestUs,
  };
}


const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;
const times = (n: number) => `${n.toFixed(2)}×`;
const cores = (n: number) => n.toFixed(2);
const percent = (n: number) => `${(n * 100).toFixed(1)}%`;

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   '))
    .join('\n');
}

function failures(f: RouteFigures): string {
  const codes = Object.entries(f.statusCodes)
    .map(([code, n]) => `${count(n)}×${code}`)
    .join(' ');
  return f.non2xx ? `${count(f.non2xx)} (${codes})` : '0';
}

export function formatReport(result: BenchResult): string {
  const sections = [formatHeader(result), formatResults(result)];
  if (result.profiles) sections.push(formatProfiles(result));
  return `${sections.join('\n\n')}\n`;
}

function formatHeader({ generatedAt, machine, config, versions }: BenchResult): string {
  const load = (figures: number[]) => figures.map((l) => l.toFixed(2)).join(' ');
  const atEnd = machine.loadAverageAtEnd ? `, ${load(machine.loadAverageAtEnd)} at end` : '';
  const fastify = versions.fastify ? `; Fastify ${versions.fastify} (@nestjs/platform-fastify ${versions.platformFastify}) from ${config.fastifyFrom}` : '';
  const lines = [
    `Sokoul gateway HTTP benchmark — ${generatedAt}`,
    `  CPU      ${machine.cpuModel}, ${machine.cores} cores, shared by the server under load, the load generator, Postgres and Redis`,
    `  Node     ${machine.node} on ${machine.os}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM`,
    `  Stack    Nest ${versions.nest}, Express ${versions.express}${fastify}`,
    `  Load     ${load(machine.loadAverage)} at start${atEnd} (1/5/15 min)`,
    `  Run      autocannon, ${config.connections} connections, one route at a time, the routes taking turns: ${config.rounds} rounds of ${config.durationS} s`,
    `           per route (after ${config.warmupS} s of warm-up in the first round, 1 s in later ones); medians of the rounds;`,
    `           the gateway with LOG_LEVEL=${config.logLevel} and rate limits raised to ${count(config.rateLimitPerMinute)} a minute`,
  ];
  if (wasBusy(machine)) {
    lines.push('  Warning: the machine was busy when the bench started (load ≥ cores): figures are noisy, compare runs made when it is quiet.');
  }
  return lines.join('\n');
}

function formatResults(result: BenchResult): string {
  const byKey = new Map(result.results.map((f) => [f.key, f]));
  const rows = [['GET /api/v1/searches/:id', 'req/s', '(range)', 'p50', 'p99', 'non-2xx', 'errors', 'CPU: server', 'per req', 'client', 'pg+redis+nats', 'irq', 'idle servers', 'others', 'steal']];
  for (const f of result.results) {
    rows.push([
      f.label,
      count(f.requestsPerSecond),
      `${count(f.requestsPerSecondMin)}–${count(f.requestsPerSecondMax)}`,
      ms(f.p50Ms),
      ms(f.p99Ms),
      failures(f),
      count(f.errors),
      cores(f.serverCpuCores),
      `${count(f.serverCpuPerRequestUs)} µs`,
      cores(f.clientCpuCores),
      cores(f.dependenciesCpuCores),
      cores(f.interruptsCpuCores),
      cores(f.idleServersCpuCores),
      cores(f.otherProcessesCpuCores) + (f.disturbedRounds ? ` !${f.disturbedRounds}` : ''),
      cores(f.stealCores),
    ]);
  }
  const lines = ['1. Throughput and latency', '', table(rows)];

  const ratioRows = [['against the bare route (a), same round', 'req/s', 'p99', 'by CPU']];
  for (const [key, ratio] of Object.entries(result.ratios)) {
    const f = byKey.get(key) as RouteFigures;
    ratioRows.push([`${f.label.split(' ')[0]} / (a)`, times(ratio.requestsPerSecond), times(ratio.p99), times(ratio.byCpu)]);
  }
  lines.push(
    '',
    table(ratioRows),
    "  by CPU: (a)'s server CPU per request over the route's, the req/s ratio if each server had a core to itself;",
    '  steadier than req/s when other work shares the machine.',
  );

  if (result.targetMet) {
    const verdict = (met: boolean, key: TargetKey) =>
      `${met ? 'met' : 'NOT met'} (${times(result.ratios[key]?.requestsPerSecond ?? Number.NaN)}, by CPU ${times(result.ratios[key]?.byCpu ?? Number.NaN)})`;
    lines.push(
      '',
      `  Target: the gateway keeps ≥ ${times(TARGET_RATIO)} the bare route's req/s — Bearer: ${verdict(result.targetMet.bearer, 'bearer')}, X-Api-Key: ${verdict(result.targetMet.apiKey, 'api-key')}.`,
    );
  }

  const bearer = byKey.get('bearer');
  const stubbed = byKey.get('bearer-no-redis');
  if (bearer && stubbed) {
    lines.push(
      `  Rate limit (one Redis round trip per request): (b) / (d) = ${times(result.rateLimitCost.requestsPerSecond)} req/s, ${times(result.rateLimitCost.p99)} p99, ${times(result.rateLimitCost.byCpu)} by CPU;`,
      `    the gateway's CPU per request ${count(bearer.serverCpuPerRequestUs)} µs with it, ${count(stubbed.serverCpuPerRequestUs)} µs without.`,
    );
  }
  const lookup = result.ratios['bare-lookup'];
  if (lookup) {
    lines.push(
      `  The lookup alone: (e) / (a) = ${times(lookup.requestsPerSecond)} req/s, ${times(lookup.byCpu)} by CPU: the most any route that reads the search`,
      '    from Postgres can keep of (a), before authentication, rate limit or anything else.',
    );
  }
  const bare = byKey.get('bare-express');
  const fastify = byKey.get('bare-fastify');
  if (bare && fastify) {
    lines.push(
      `  Adapter headroom: bare Fastify / bare Express = ${times(result.ratios['bare-fastify']?.requestsPerSecond ?? Number.NaN)} req/s;` +
        ` ${count(fastify.serverCpuPerRequestUs)} µs of CPU per request against ${count(bare.serverCpuPerRequestUs)} µs.`,
    );
  }
  if (result.cacheReads) {
    const caches = Object.entries(result.cacheReads).map(([cache, reads]) => `${cache} ${count(reads.memory)} from memory, ${count(reads.database)} from Postgres, ${count(reads.joined)} joined a read under way`);
    lines.push(
      `  The gateways' copies of Postgres rows, read until Postgres announces a change (the whole run): ${caches.join('; ')}.`,
      '    The search and the key do not change during the bench: (b) to (d) read them from memory, (e) reads Postgres every time.',
    );
  }
  const logLines = result.results.filter((f) => f.logLines !== undefined).map((f) => `${f.label.split(' ')[0]} ${count(f.logLines ?? 0)}`);
  if (logLines.length) {
    lines.push(`  Log lines written by the gateway during its measured load (LOG_LEVEL=${result.config.logLevel}): ${logLines.join(', ')}.`);
  }
  lines.push(
    `  CPU, in cores over the measured run (the machine has ${result.machine.cores}): the server process (1.00 = the one core Node runs`,
    '  JavaScript on) and its CPU per request answered; the load generator (autocannon, this process); Postgres, Redis and NATS;',
    "  interrupts (the loopback network stack); the bench's other servers, idle meanwhile; every other process on the machine;",
    '  time stolen by the hypervisor.',
  );
  const noisy = result.results.filter((f) => f.disturbedRounds);
  if (noisy.length) {
    const culprits = noisy.map((f) => `${f.label.split(' ')[0]} ${f.busiestOtherProcess ? `${f.busiestOtherProcess.name} ${cores(f.busiestOtherProcess.cores)}` : 'steal'}`);
    lines.push(
      `  "!n": in n rounds other work took over ${NOISY_CORES} core, which lowers that route's figures (busiest: ${culprits.join('; ')}).`,
      '  The ratios compare routes within a round, which tempers it; still, compare runs made when the machine is quiet.',
    );
  }
  return lines.join('\n');
}

function formatProfiles(result: BenchResult): string {
  const lines = [
    '2. Where the gateway spends its CPU (node --cpu-prof under the same load, measured window only)',
    '  by owner: Node core and native work (socket writes, hashing, JSON) charged to the package or Sokoul code that asked for it;',
    '  by layer: self time, where the CPU actually was. Shares are of the busy (non-idle) time.',
  ];
  const entries = (rows: ProfileEntry[]) => rows.slice(0, 14).map((l) => [l.name, `${count(l.ms)} ms`, percent(l.share)]);
  for (const [key, profile] of Object.entries(result.profiles ?? {})) {
    lines.push(
      '',
      `  ${key === 'bearer' ? 'Bearer JWT' : 'X-Api-Key'}: ${count(profile.requestsPerSecond)} req/s while profiled, ${count(profile.busyMs)} ms busy of ${count(profile.totalMs)} ms sampled (${profile.file})`,
      table([['by owner', 'self', 'share'], ...entries(profile.byOwner)], '    '),
      '',
      table([['by layer', 'self', 'share'], ...entries(profile.byLayer)], '    '),
      '',
      table(
        [['top functions (self)', 'where', 'self', 'share'], ...profile.topFunctions.map((f) => [f.name.slice(0, 40), f.where.slice(-60), `${count(f.ms)} ms`, percent(f.share)])],
        '    ',
      ),
    );
  }
  return lines.join('\n');
}
