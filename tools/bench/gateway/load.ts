import autocannon from 'autocannon';
import type { ProfileWindow } from './profile';
import { DEPENDENCIES, cpuBetween, machineCpuMs, snapshotProcesses } from './servers';

export interface LoadSettings {
  connections: number;
  /** Seconds of load measured. */
  durationS: number;
  /** Seconds of load before, not counted (JIT, connection pools, caches, autocannon's connections). */
  warmupS: number;
}

/** One route under load: where, with which headers, served by which process. */
export interface Target {
  key: string;
  label: string;
  url: string;
  headers?: Record<string, string>;
  /** The server's pid, to read the CPU time it used. */
  serverPid: number;
  /** Its stdout lines so far (log lines, for the gateway). */
  stdoutLines?: () => number;
  /** The bench's other servers, idle meanwhile, by pid: their CPU is counted apart from foreign work. */
  idleServers?: Map<number, string>;
}

export interface LoadFigures {
  key: string;
  label: string;
  /** autocannon's mean of the per-second request counts. */
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Answers other than 2xx, by status code. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  durationS: number;
  /** CPU time of the server process during the measured load, as a share of one core. */
  serverCpuCores: number;
  /** CPU time of the server per answered request, in µs: what one request costs it. */
  serverCpuPerRequestUs: number;
  /** CPU time of the load generator (this process, all its threads), as a share of one core. */
  clientCpuCores: number;
  /** CPU of Postgres, Redis and NATS, in cores: their share of the request's cost. */
  dependenciesCpuCores: number;
  /** irq + softirq, in cores: mostly the loopback network stack, which no process is charged for. */
  interruptsCpuCores: number;
  /** CPU of the bench's other servers, idle meanwhile, in cores. */
  idleServersCpuCores: number;
  /** CPU of every other process, in cores: someone else's work competing with the bench. */
  otherProcessesCpuCores: number;
  /** The busiest of those, to say what disturbed a run. */
  busiestOtherProcess?: { name: string; cores: number };
  /** Time the hypervisor gave to another guest, in cores. */
  stealCores: number;
  /** Busy CPU of the whole machine, in cores. */
  machineBusyCores: number;
  /** Lines the server wrote to stdout during the measured load. */
  logLines?: number;
}

function fire(url: string, settings: LoadSettings, durationS: number, headers?: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, connections: settings.connections, duration: durationS, headers, pipelining: 1 });
}

/**
 * Warm-up, then the measured run (its window on the monotonic clock is returned, to cut a CPU
 * profile to it), with the CPU time of the server, of this process (the load
 * generator) and of the whole machine read around it: on a small box they share the cores, and
 * a server that is not at one full core was held back by something else.
 */
export async function measureLoad(target: Target, settings: LoadSettings): Promise<{ figures: LoadFigures; window: ProfileWindow }> {
  if (settings.warmupS > 0) await fire(target.url, settings, settings.warmupS, target.headers);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const before = { processes: await snapshotProcesses(), machine: await machineCpuMs(), lines: target.stdoutLines?.() };
  const result = await fire(target.url, settings, settings.durationS, target.headers);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const processes = cpuBetween(before.processes, await snapshotProcesses());
  const machine = await machineCpuMs();
  const wallMs = result.duration * 1000;
  const sum = (list: typeof processes) => list.reduce((total, p) => total + p.cpuMs, 0);
  const server = sum(processes.filter((p) => p.pid === target.serverPid));
  const clientMs = sum(processes.filter((p) => p.pid === process.pid));
  const dependencies = sum(processes.filter((p) => DEPENDENCIES.has(p.name)));
  const idle = target.idleServers ?? new Map<number, string>();
  const idleServers = sum(processes.filter((p) => idle.has(p.pid)));
  const others = processes.filter((p) => p.pid !== target.serverPid && p.pid !== process.pid && !idle.has(p.pid) && !DEPENDENCIES.has(p.name));
  const busiest = others.sort((a, b) => b.cpuMs - a.cpuMs)[0];
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) statusCodes[code] = stats.count ?? 0;
  }
  const figures: LoadFigures = {
    key: target.key,
    label: target.label,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    serverCpuCores: server / wallMs,
    serverCpuPerRequestUs: result.requests.total ? (server * 1000) / result.requests.total : Number.NaN,
    clientCpuCores: clientMs / wallMs,
    dependenciesCpuCores: dependencies / wallMs,
    interruptsCpuCores: (machine.interruptsMs - before.machine.interruptsMs) / wallMs,
    idleServersCpuCores: idleServers / wallMs,
    otherProcessesCpuCores: sum(others) / wallMs,
    busiestOtherProcess: busiest && { name: `${busiest.name} (pid ${busiest.pid})`, cores: busiest.cpuMs / wallMs },
    stealCores: (machine.stealMs - before.machine.stealMs) / wallMs,
    machineBusyCores: (machine.busyMs - before.machine.busyMs) / wallMs,
    logLines: before.lines === undefined ? undefined : (target.stdoutLines?.() ?? 0) - before.lines,
  };
  return { figures, window: { fromUs, toUs } };
}

/** Other work above this (in cores) during a measured run took CPU the bench needed: that run is noisy. */
export const NOISY_CORES = 0.2;

export function disturbed(f: LoadFigures): boolean {
  return f.otherProcessesCpuCores + f.stealCores > NOISY_CORES;
}

/** A route over all its rounds: the median of each figure, counts summed, and the spread of req/s. */
export interface RouteFigures extends LoadFigures {
  rounds: number;
  requestsPerSecondMin: number;
  requestsPerSecondMax: number;
  /** Rounds during which other work took more than NOISY_CORES. */
  disturbedRounds: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Medians, not means: other work on a shared machine only ever slows a round down, and a
 * median of rounds spread over the run ignores one bad moment. Counts (requests, failures,
 * log lines) are summed over the rounds.
 */
export function summarizeRounds(rounds: LoadFigures[]): RouteFigures {
  const [first] = rounds;
  const mid = (pick: (f: LoadFigures) => number) => median(rounds.map(pick));
  const total = (pick: (f: LoadFigures) => number) => rounds.reduce((sum, f) => sum + pick(f), 0);
  const statusCodes: Record<string, number> = {};
  for (const f of rounds) for (const [code, n] of Object.entries(f.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const busiest = rounds
    .map((f) => f.busiestOtherProcess)
    .filter((p) => p !== undefined)
    .sort((a, b) => b.cores - a.cores)[0];
  return {
    key: first.key,
    label: first.label,
    rounds: rounds.length,
    requestsPerSecond: mid((f) => f.requestsPerSecond),
    requestsPerSecondMin: Math.min(...rounds.map((f) => f.requestsPerSecond)),
    requestsPerSecondMax: Math.max(...rounds.map((f) => f.requestsPerSecond)),
    requests: total((f) => f.requests),
    p50Ms: mid((f) => f.p50Ms),
    p99Ms: mid((f) => f.p99Ms),
    meanMs: mid((f) => f.meanMs),
    maxMs: Math.max(...rounds.map((f) => f.maxMs)),
    non2xx: total((f) => f.non2xx),
    statusCodes,
    errors: total((f) => f.errors),
    timeouts: total((f) => f.timeouts),
    durationS: total((f) => f.durationS),
    serverCpuCores: mid((f) => f.serverCpuCores),
    serverCpuPerRequestUs: mid((f) => f.serverCpuPerRequestUs),
    clientCpuCores: mid((f) => f.clientCpuCores),
    dependenciesCpuCores: mid((f) => f.dependenciesCpuCores),
    interruptsCpuCores: mid((f) => f.interruptsCpuCores),
    idleServersCpuCores: mid((f) => f.idleServersCpuCores),
    otherProcessesCpuCores: mid((f) => f.otherProcessesCpuCores),
    busiestOtherProcess: busiest,
    stealCores: mid((f) => f.stealCores),
    machineBusyCores: mid((f) => f.machineBusyCores),
    logLines: first.logLines === undefined ? undefined : total((f) => f.logLines ?? 0),
    disturbedRounds: rounds.filter(disturbed).length,
  };
}
