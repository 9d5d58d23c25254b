import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@sokoul/testing';

export const SERVICES = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Long enough for a slow first start (it migrates the schema), short enough to fail a hung one. */
const READY_TIMEOUT_MS = 60_000;
/** Readiness is polled this often, which is the wall-time figure's resolution. */
const POLL_INTERVAL_MS = 10;
/** Lets start-up garbage be collected and timers settle before RSS is read. */
const IDLE_SETTLE_MS = 5_000;
/** Above the services' default drain timeout (10 s), so a graceful stop is never cut short. */
const STOP_TIMEOUT_MS = 20_000;

export interface ServiceEnvironment {
  root: string;
  databaseUrl: string;
  schema: string;
  namespace: string;
  natsUrl?: string;
  redisUrl?: string;
}

/** What one start of one service measured; a field is absent when that step failed. */
export interface ServiceRun {
  service: ServiceName;
  run: number;
  /** Spawn until GET /health/ready answered 200 (every dependency checked). */
  wallReadyMs?: number;
  /** Spawn until the `ready` log line was read from its stdout. */
  readyLogMs?: number;
  /** The service's own `startupMs` in that line: process.uptime() when it logged ready. */
  startupMs?: number;
  /** VmRSS from /proc/<pid>/status after idling. */
  rssBytes?: number;
  /** process_resident_memory_bytes from its /metrics, right after. */
  metricsRssBytes?: number;
  /** SIGTERM until the process exited. */
  stopMs?: number;
  exitCode?: number | null;
  exitSignal?: NodeJS.Signals | null;
  error?: string;
}

/** Services running right now, so an interrupted bench can still stop them. */
const running = new Set<ServiceProcess>();
let closed = false;

/**
 * Stops whatever service is still running and refuses to start more: the measuring loop may
 * still be going when the bench is interrupted, and a service started after the clean-up
 * would outlive the bench and recreate its streams.
 */
export async function stopServicesForGood(): Promise<void> {
  closed = true;
  await Promise.all([...running].map((service) => service.stop()));
}

export function serviceMain(root: string, name: ServiceName): string {
  return join(root, 'dist/apps', name, 'main.js');
}

/** Starts a service from its build, measures start-up and idle memory, then stops it. */
export async function measureService(name: ServiceName, run: number, environment: ServiceEnvironment): Promise<ServiceRun> {
  const result: ServiceRun = { service: name, run };
  const port = await freePort();
  const service = ServiceProcess.spawn(name, serviceEnv(name, port, environment), environment.root);
  try {
    result.wallReadyMs = await waitUntilReady(service, `http://127.0.0.1:${port}/health/ready`);
    result.readyLogMs = service.readyLogMs;
    result.startupMs = service.startupMs;
    await sleep(IDLE_SETTLE_MS);
    result.rssBytes = await readVmRss(service.pid);
    result.metricsRssBytes = await scrapeResidentMemory(`http://127.0.0.1:${port}/metrics`);
  } catch (error) {
    result.error = `${(error as Error).message}${service.diagnostics()}`;
  } finally {
    Object.assign(result, await service.stop());
  }
  return result;
}

/**
 * Only what the service needs, not the bench's own environment (npm and tsx variables such
 * as NODE_OPTIONS would change how the service starts).
 */
function serviceEnv(name: ServiceName, port: number, environment: ServiceEnvironment): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    DATABASE_URL: environment.databaseUrl,
    DATABASE_SCHEMA: environment.schema,
    DATABASE_MIGRATE_ON_START: 'true',
    SOKOUL_NAMESPACE: environment.namespace,
    [`${name.toUpperCase()}_PORT`]: String(port),
    LOG_LEVEL: 'info',
    // Throwaway keys: the bench stores no credential and signs no token that outlives it.
    AUTH_JWT_SECRET: 'bench-only-signing-key-padded-to-32-chars',
    SECRETS_ENCRYPTION_KEY: 'bench-only-encryption-key-padded-to-32-chars',
    ...(environment.natsUrl ? { NATS_URL: environment.natsUrl } : {}),
    ...(environment.redisUrl ? { REDIS_URL: environment.redisUrl } : {}),
  };
}

/** A child service process, with what its JSON log says about readiness. */
class ServiceProcess {
  readyLogMs?: number;
  startupMs?: number;
  hasExited = false;
  private readonly tail: string[] = [];
  private stopping?: Promise<Pick<ServiceRun, 'stopMs' | 'exitCode' | 'exitSignal'>>;
  private readonly exited: Promise<{ exitCode: number | null; exitSignal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly spawnedAt: number,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (exitCode, exitSignal) => {
        this.hasExited = true;
        resolve({ exitCode, exitSignal });
      }),
    );
    // Spawned with stdio 'pipe', so both streams and the pid exist.
    createInterface({ input: child.stdout as Readable }).on('line', (line) => this.onLog(line));
    createInterface({ input: child.stderr as Readable }).on('line', (line) => this.keep(line));
  }

  static spawn(name: ServiceName, env: NodeJS.ProcessEnv, root: string): ServiceProcess {
    if (closed) throw new Error(`not starting ${name}: the bench is shutting down`);
    // Timed from just before spawn: that is what an operator waits for.
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [serviceMain(root, name)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const service = new ServiceProcess(child, spawnedAt);
    running.add(service);
    void service.exited.then(() => running.delete(service));
    return service;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get elapsedMs(): number {
    return performance.now() - this.spawnedAt;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time; reports how it ended. Idempotent. */
  stop(): Promise<Pick<ServiceRun, 'stopMs' | 'exitCode' | 'exitSignal'>> {
    this.stopping ??= this.hasExited ? this.exited : this.terminate();
    return this.stopping;
  }

  private async terminate(): Promise<Pick<ServiceRun, 'stopMs' | 'exitCode' | 'exitSignal'>> {
    const stoppingAt = performance.now();
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const outcome = await this.exited;
    clearTimeout(killer);
    return { ...outcome, stopMs: performance.now() - stoppingAt };
  }

  /** The last log lines, to explain a failed start. */
  diagnostics(): string {
    return this.tail.length ? `\n    last output:\n    ${this.tail.join('\n    ')}` : '';
  }

  private onLog(raw: string): void {
    this.keep(raw);
    try {
      const line = JSON.parse(raw) as { msg?: unknown; startupMs?: unknown };
      if (line.msg === 'ready' && this.readyLogMs === undefined) {
        this.readyLogMs = this.elapsedMs;
        if (typeof line.startupMs === 'number') this.startupMs = line.startupMs;
      }
    } catch {
      // Not JSON (a crash trace): kept in the tail only.
    }
  }

  private keep(line: string): void {
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > 15) this.tail.shift();
  }
}

/** Polls readiness until it answers 200; returns the time since spawn. */
async function waitUntilReady(service: ServiceProcess, url: string): Promise<number> {
  while (service.elapsedMs < READY_TIMEOUT_MS) {
    if (service.hasExited) throw new Error('exited before it was ready');
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    await response?.arrayBuffer().catch(() => undefined);
    if (response?.status === 200) return service.elapsedMs;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS} ms`);
}

async function readVmRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

async function scrapeResidentMemory(url: string): Promise<number | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const match = /^process_resident_memory_bytes(?:\{[^}]*\})?\s+(\S+)/m.exec(await response.text());
  return match ? Number(match[1]) : undefined;
}
