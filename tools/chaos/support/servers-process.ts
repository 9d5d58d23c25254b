import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { eventually } from '@sokoul/testing';

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number, timeoutMs = 15_000): Promise<void> {
  return eventually(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.on('error', reject);
      }),
    timeoutMs,
    50,
  );
}

/** Resolves once nothing accepts TCP connections on 127.0.0.1:`port` any more. */
export function closed(port: number, timeoutMs = 15_000): Promise<void> {
  return eventually(async () => {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) throw new Error(`127.0.0.1:${port} still accepts connections`);
  }, timeoutMs, 50);
}

/** A server binary run in the foreground as a child of this process, its output kept for errors. */
export class ServerChild {
  readonly output: string[] = [];
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => this.output.push(...String(chunk).split('\n').filter(Boolean).slice(-50));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static spawn(name: string, command: string, args: string[]): ServerChild {
    return new ServerChild(name, spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  tail(): string {
    return this.output.slice(-20).join('\n');
  }
}
