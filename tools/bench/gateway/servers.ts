import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Long enough for the gateway's first start on a loaded 2-core box, short enough to fail a hung one. */
const READY_TIMEOUT_MS = 60_000;
/** Above the gateway's drain timeout (10 s), so a graceful stop is never cut short. */
const STOP_TIMEOUT_MS = 20_000;

export interface ServerSpec {
  label: string;
  /** The script node runs, with its arguments. */
  args: string[];
  /** Flags for node itself (--cpu-prof, --require …). */
  nodeFlags?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  port: number;
}

/** Servers running right now, so an interrupted bench can still stop them. */
const running = new Set<ServerProcess>();
let closed = false;

/** Stops every server still running and refuses to start more (the bench is ending). */
export async function stopServersForGood(): Promise<void> {
  closed = true;
  await Promise.all([...running].map((server) => server.stop()));
}

/**
 * A server under test, as a child process of its own: it waits for the `ready` JSON line, keeps
 * the last lines of output to explain a failure, and counts what it writes to stdout (the
 * gateway's log lines), so the report can say whether logging was on the request path.
 */
export class ServerProcess {
  stdoutLines = 0;
  private ready = false;
  private readonly tail: string[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private hasExited = false;
  private stopping?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        resolve({ code, signal });
      }),
    );
    createInterface({ input: child.stdout as Readable }).on('line', (line) => {
      this.stdoutLines++;
      this.ready ||= isReadyLine(line);
      this.keep(line);
    });
    createInterface({ input: child.stderr as Readable }).on('line', (line) => this.keep(line));
  }

  /** Spawns the server and resolves once it logged `ready`; rejects with its last output if it does not. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    if (closed) throw new Error(`not starting ${spec.label}: the bench is shutting down`);
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), ...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(spec, child);
    running.add(server);
    void server.exited.then(() => running.delete(server));
    await server.waitUntilReady();
    return server;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. Idempotent. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.stopping ??= this.hasExited ? this.exited : this.terminate();
    return this.stopping;
  }

  /** The last lines of output, to explain a failure. */
  diagnostics(): string {
    return this.tail.length ? `\n    last output of ${this.spec.label}:\n    ${this.tail.join('\n    ')}` : '';
  }

  private async waitUntilReady(): Promise<void> {
    const startedAt = Date.now();
    while (Date.now() - startedAt < READY_TIMEOUT_MS) {
      if (this.hasExited) throw new Error(`${this.spec.label} exited before it was ready${this.diagnostics()}`);
      if (this.ready) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.stop();
    throw new Error(`${this.spec.label} was not ready within ${READY_TIMEOUT_MS} ms${this.diagnostics()}`);
  }

  private async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const outcome = await this.exited;
    clearTimeout(killer);
    return outcome;
  }

  private keep(line: string): void {
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > 20) this.tail.shift();
  }
}

function isReadyLine(line: string): boolean {
  try {
    return (JSON.parse(line) as { msg?: unknown }).msg === 'ready';
  } catch {
    return false;
  }
}

/** Clock ticks per second of /proc figures (USER_HZ): 100 on every Linux we run on. The command name
 * (field 2 of /proc/<pid>/stat) may hold spaces, so fields are counted after its closing parenthesis. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of the whole machine so far, in ms over all cores, from /proc/stat: busy (all but
 * idle and iowait), interrupts (irq + softirq: the loopback network stack, charged to no
 * process) and steal (time the hypervisor gave to another guest).
 */
export async function machineCpuMs(): Promise<{ busyMs: number; interruptsMs: number; stealMs: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { busyMs: ms(user + nice + system + irq + softirq + steal), interruptsMs: ms(irq + softirq), stealMs: ms(steal) };
}

/** The servers the gateway depends on, by process name: their CPU is part of what a request costs. */
export const DEPENDENCIES = new Set(['postgres', 'redis-server', 'nats-server']);

/** CPU time (ms) used so far by every process on the machine, by pid, with its name. */
export type ProcessSnapshot = Map<number, { name: string; cpuMs: number }>;

export async function snapshotProcesses(): Promise<ProcessSnapshot> {
  const snapshot: ProcessSnapshot = new Map();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (!stat) return; // exited meanwhile
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snapshot.set(Number(pid), {
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
      });
    }),
  );
  return snapshot;
}

/** CPU each process used between two snapshots; a process started in between counts whole, one that exited is lost. */
export function cpuBetween(before: ProcessSnapshot, after: ProcessSnapshot): Array<{ pid: number; name: string; cpuMs: number }> {
  return [...after].map(([pid, { name, cpuMs }]) => ({ pid, name, cpuMs: cpuMs - (before.get(pid)?.cpuMs ?? 0) })).filter((p) => p.cpuMs > 0);
}
