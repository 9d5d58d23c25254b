import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WORKSPACE_ROOT = join(__dirname, '../../../..');

export type ServiceName = 'gateway' | 'scout' | 'hunter' | 'oracle' | 'sentinel';

export interface LogLine {
  level?: string;
  msg?: string;
  [key: string]: unknown;
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One service started as a real process from its build (`dist/apps/<name>/main.js`), with
 * its JSON log lines collected so tests can wait on what it says.
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];

  private constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    if (!child.stdout || !child.stderr) throw new Error('the service must be spawned with piped stdout and stderr');
    createInterface({ input: child.stdout }).on('line', (raw) => this.onLine(raw));
    createInterface({ input: child.stderr }).on('line', (raw) => this.stderr.push(raw));
  }

  /** Starts the service and resolves once it logged `ready` (rejects if it exits first). */
  static async start(name: ServiceName, env: Record<string, string>, options: { waitReady?: boolean } = {}): Promise<ServiceProcess> {
    const main = join(WORKSPACE_ROOT, 'dist/apps', name, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build the apps first (nx run-many -t build)`);
    const portVariable = `${name.toUpperCase()}_PORT`;
    const port = env[portVariable] ?? String(await freePort());
    const child = spawn(process.execPath, [main], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env, [portVariable]: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(name, Number(port), child);
    if (options.waitReady === false) return service;
    const ready = service.waitForLog((line) => line.msg === 'ready', 30_000);
    const outcome = await Promise.race([ready.then(() => 'ready' as const), service.exited.then(() => 'exited' as const)]);
    if (outcome === 'exited') {
      throw new Error(`${name} exited before it was ready:\n${service.stderr.join('\n')}\n${service.logs.slice(-20).map((l) => JSON.stringify(l)).join('\n')}`);
    }
    return service;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid: it failed to spawn`);
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const seen = this.logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM (graceful drain), then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  private onLine(raw: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      line = { msg: raw };
    }
    this.logs.push(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(line)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }
}
