import type { Account } from '@sokoul/testing';
import { startLoadStack, type LoadStack } from './load-stack';
import { type Phase, type PhaseSamples, type RequestKind, runOpenModel } from './open-model';
import { loadavg } from 'node:os';
import { cpuSeconds, machineBusySeconds, metricValue, rssMiB } from './sampler';
import { isError, quantile, recoveryMs, slope } from './stats';
import { openWsFleet, type WsFleet } from './ws-clients';

const QUERIES = ['Dune Part Two 2024', 'Oppenheimer 2023', 'Breaking Bad S05E14', 'Dune 2021', 'Shogun 2024 S01E01', 'El Camino 2019'];
/** Users the requests are spread over: 500 req/s for 30 s stays under the default 600 a minute each. */
export const LOAD_USERS = 50;

/** The mix: mostly reads, some searches started. */
export function mixedTraffic(stack: Pick<LoadStack, 'searchIds'>): RequestKind[] {
  let n = 0;
  return [
    { name: 'GET /users/me', weight: 40, make: () => ({ method: 'GET', path: '/api/v1/users/me' }) },
    { name: 'GET /searches', weight: 30, make: () => ({ method: 'GET', path: '/api/v1/searches?limit=20' }) },
    {
      name: 'GET /searches/:id',
      weight: 25,
      make: (user) => {
        const ids = stack.searchIds[user] as string[];
        return { method: 'GET', path: `/api/v1/searches/${ids[Math.floor(Math.random() * ids.length)]}` };
      },
    },
    {
      name: 'POST /searches',
      weight: 5,
      make: () => ({ method: 'POST', path: '/api/v1/searches', body: { query: QUERIES[n++ % QUERIES.length] } }),
      onAnswer: (user, status, body) => {
        if (status !== 202) return;
        const ids = stack.searchIds[user] as string[];
        if (ids.length < 50) ids.push((JSON.parse(body) as { id: string }).id);
      },
    },
  ];
}

export interface PhaseFigures {
  name: string;
  seconds: number;
  rate: number;
  requests: number;
  /** Requests per second actually answered over the phase. */
  answeredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  errorRate: number;
  /** By HTTP status, or by error (`timeout`, `ECONNRESET`…) for requests that got no answer. */
  statuses: Record<string, number>;
  /** CPU used during the phase, in cores, by each service, by the load generator (this process) and by the whole machine (`machine`: everyone's work, Postgres, Redis, NATS and other users of the box included). */
  cpuCores: Record<string, number>;
  gatewayRssMiB: { start: number; max: number; end: number };
}

export interface SpikeReport {
  wsClients: number;
  ws: { authenticated: number; openAtEnd: number; unexpectedCloses: Record<string, number>; frames: number; framesByType: Record<string, number> };
  phases: PhaseFigures[];
  /** From the spike's end until requests are back within 1.2× the pre-spike p99 (a 5 s window); null: not within the post phase. */
  recoveryMs: number | null;
  recoveryWindowMs: number;
  rssMiB: Record<string, { before: number; after: number }>;
  /** The machine's 1-minute load average before the pre phase (other work on a shared machine shows here). */
  loadAverageBefore: number;
  settings: string[];
}

type CpuSnapshot = Record<string, number>;

async function cpuOfAll(stack: LoadStack): Promise<CpuSnapshot> {
  const entries = await Promise.all(stack.services.map(async (s) => [s.name, await cpuSeconds(s.pid)] as const));
  const own = process.cpuUsage();
  return { ...Object.fromEntries(entries), generator: (own.user + own.system) / 1e6, machine: await machineBusySeconds() };
}

const cores = (from: CpuSnapshot, to: CpuSnapshot, seconds: number): Record<string, number> =>
  Object.fromEntries(Object.keys(from).map((name) => [name, ((to[name] as number) - (from[name] as number)) / seconds]));

function figures(phase: PhaseSamples, rss: Array<{ t: number; mib: number }>, cpuCores: Record<string, number>): PhaseFigures {
  const latencies = phase.samples.map((s) => s.latencyMs);
  const errors = phase.samples.filter(isError).length;
  const statuses: Record<string, number> = {};
  for (const s of phase.samples) statuses[s.error ?? String(s.status)] = (statuses[s.error ?? String(s.status)] ?? 0) + 1;
  const inPhase = rss.filter((r) => r.t >= phase.startedAt && r.t <= phase.endedAt).map((r) => r.mib);
  const lastAnswer = Math.max(...phase.samples.map((s) => s.scheduledAt + s.latencyMs));
  return {
    name: phase.name,
    seconds: phase.seconds,
    rate: phase.rate,
    requests: phase.samples.length,
    answeredPerSecond: phase.samples.length / Math.max(phase.seconds, (lastAnswer - phase.startedAt) / 1000),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    errors,
    errorRate: phase.samples.length === 0 ? 0 : errors / phase.samples.length,
    statuses,
    cpuCores,
    gatewayRssMiB: { start: inPhase[0] ?? Number.NaN, max: Math.max(...inPhase), end: inPhase[inPhase.length - 1] ?? Number.NaN },
  };
}

async function rssOfAll(stack: LoadStack): Promise<Record<string, number>> {
  const entries = await Promise.all(stack.services.map(async (s) => [s.name, await rssMiB(s.pid)] as const));
  return Object.fromEntries(entries);
}

/**
 * `wsClients` WebSocket clients stay connected while the mixed traffic runs its phases
 * (pre → spike → post); per phase: latency, errors, the gateway's memory; then recovery.
 */
export async function runSpike(options: { wsClients: number; phases: [Phase, Phase, Phase]; log?: (line: string) => void }): Promise<SpikeReport> {
  const log = options.log ?? (() => undefined);
  const stack = await startLoadStack(LOAD_USERS);
  let fleet: WsFleet | undefined;
  try {
    log(`stack up; opening ${options.wsClients} WebSocket clients`);
    fleet = await openWsFleet(`ws://127.0.0.1:${stack.gateway.port}/ws`, stack.users.map((u: Account) => u.accessToken), options.wsClients);
    const before = await rssOfAll(stack);
    const loadAverageBefore = loadavg()[0] as number;
    const rss: Array<{ t: number; mib: number }> = [];
    const cpuAtPhaseStart: Array<Promise<CpuSnapshot>> = [];
    const phases = await runOpenModel(options.phases, {
      baseUrl: stack.gateway.url,
      tokens: stack.users.map((u) => u.accessToken),
      kinds: mixedTraffic(stack),
      onSecond: (phase, second) => {
        void rssMiB(stack.gateway.pid).then((mib) => rss.push({ t: performance.now(), mib }));
        if (second === 0) cpuAtPhaseStart.push(cpuOfAll(stack));
        if (second % 10 === 0) log(`  ${phase} ${second} s`);
      },
    });
    const cpuMarks = [...(await Promise.all(cpuAtPhaseStart)), await cpuOfAll(stack)];
    const after = await rssOfAll(stack);
    const [pre, spike, post] = phases as [PhaseSamples, PhaseSamples, PhaseSamples];
    const windowMs = Math.min(5_000, (post.seconds * 1000) / 4);
    const recovery = recoveryMs(post.samples, spike.endedAt, quantile(pre.samples.map((s) => s.latencyMs), 0.99), { windowMs, stepMs: 500, factor: 1.2 });
    const report: SpikeReport = {
      wsClients: options.wsClients,
      ws: { authenticated: fleet.authenticated, openAtEnd: fleet.open(), unexpectedCloses: { ...fleet.unexpectedCloses }, frames: fleet.frames(), framesByType: fleet.framesByType() },
      phases: phases.map((p, i) => figures(p, rss, cores(cpuMarks[i] as CpuSnapshot, cpuMarks[i + 1] as CpuSnapshot, p.seconds))),
      recoveryMs: recovery,
      recoveryWindowMs: windowMs,
      loadAverageBefore,
      rssMiB: Object.fromEntries(Object.keys(before).map((name) => [name, { before: before[name] as number, after: after[name] as number }])),
      settings: stack.settings,
    };
    return report;
  } finally {
    await fleet?.close();
    await stack.destroy();
  }
}

export interface SoakSample {
  minute: number;
  rssMiB: Record<string, number>;
  lagP99Ms: Record<string, number>;
  p99Ms: number;
  errors: number;
  requests: number;
}

export interface SoakReport {
  minutes: number;
  rate: number;
  wsClients: number;
  samples: SoakSample[];
  /** Per service: first and last sample, and the least-squares slope per minute. */
  rss: Record<string, { start: number; end: number; slopePerMinute: number }>;
  lag: Record<string, { start: number; end: number; slopePerMinute: number }>;
  requests: number;
  errors: number;
  /** Errors by status or kind (`timeout`, `ECONNRESET`…). */
  errorKinds: Record<string, number>;
  wsOpenAtEnd: number;
  settings: string[];
}

/** Steady load for `minutes`, sampling every service's RSS and event-loop lag each `sampleEveryS` (60 by default). */
export async function runSoak(options: { minutes: number; rate: number; wsClients: number; sampleEveryS?: number; log?: (line: string) => void }): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const every = options.sampleEveryS ?? 60;
  const stack = await startLoadStack(LOAD_USERS);
  let fleet: WsFleet | undefined;
  try {
    fleet = await openWsFleet(`ws://127.0.0.1:${stack.gateway.port}/ws`, stack.users.map((u) => u.accessToken), options.wsClients);
    const samples: SoakSample[] = [];
    const sample = async (minute: number, slice: PhaseSamples | undefined) => {
      const rssNow = await rssOfAll(stack);
      const lag = Object.fromEntries(await Promise.all(stack.services.map(async (s) => [s.name, (await metricValue(s.url, 'nodejs_eventloop_lag_p99_seconds')) * 1000] as const)));
      const latencies = slice?.samples.map((s) => s.latencyMs) ?? [];
      samples.push({ minute, rssMiB: rssNow, lagP99Ms: lag, p99Ms: quantile(latencies, 0.99), errors: slice?.samples.filter(isError).length ?? 0, requests: latencies.length });
      // The slice's latencies are filled in once its answers are all in: none to show yet.
      log(`  minute ${minute.toFixed(1)}: gateway ${rssNow['gateway']?.toFixed(0)} MiB, lag p99 ${lag['gateway']?.toFixed(1)} ms`);
    };
    await sample(0, undefined);
    // One phase per sampling interval, back to back: the load never pauses, each slice is measured on its own.
    const slices = Math.max(1, Math.round((options.minutes * 60) / every));
    const phases: Phase[] = Array.from({ length: slices }, (_, i) => ({ name: `slice ${i + 1}`, seconds: every, rate: options.rate }));
    const pendingSamples: Array<Promise<void>> = [];
    let done = 0;
    const results = await runOpenModel(phases, {
      baseUrl: stack.gateway.url,
      tokens: stack.users.map((u) => u.accessToken),
      kinds: mixedTraffic(stack),
      onSecond: (phase, second) => {
        // At the first second of slice k+1, slice k is over: sample then (its stragglers aside).
        const index = Number(phase.split(' ')[1]) - 1;
        if (second === 0 && index > done) {
          done = index;
          pendingSamples.push(sample((index * every) / 60, undefined));
        }
      },
    });
    await Promise.all(pendingSamples);
    await sample(options.minutes, undefined);
    // Fill in each slice's latency figures now that all its answers are in.
    for (const [i, slice] of results.entries()) {
      const target = samples[i + 1];
      if (!target) continue;
      const latencies = slice.samples.map((s) => s.latencyMs);
      Object.assign(target, { p99Ms: quantile(latencies, 0.99), errors: slice.samples.filter(isError).length, requests: latencies.length });
    }
    const names = stack.services.map((s) => s.name);
    const trend = (pick: (s: SoakSample) => number) => {
      const points = samples.map((s) => ({ x: s.minute, y: pick(s) })).filter((p) => Number.isFinite(p.y));
      return { start: points[0]?.y ?? Number.NaN, end: points[points.length - 1]?.y ?? Number.NaN, slopePerMinute: slope(points) };
    };
    const all = results.flatMap((r) => r.samples);
    return {
      minutes: options.minutes,
      rate: options.rate,
      wsClients: options.wsClients,
      samples,
      rss: Object.fromEntries(names.map((n) => [n, trend((s) => s.rssMiB[n] as number)])),
      lag: Object.fromEntries(names.map((n) => [n, trend((s) => s.lagP99Ms[n] as number)])),
      requests: all.length,
      errors: all.filter(isError).length,
      errorKinds: all.filter(isError).reduce<Record<string, number>>((kinds, s) => ({ ...kinds, [s.error ?? String(s.status)]: (kinds[s.error ?? String(s.status)] ?? 0) + 1 }), {}),
      wsOpenAtEnd: fleet.open(),
      settings: stack.settings,
    };
  } finally {
    await fleet?.close();
    await stack.destroy();
  }
}
