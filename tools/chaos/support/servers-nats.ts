import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@sokoul/testing';
import { ServerChild, closed, listening } from './servers-process';

/** A nats-server of the scenario's own with JetStream stored on disk, so streams survive a restart. */
export class OwnNats {
  private child?: ServerChild;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
  ) {}

  static async start(): Promise<OwnNats> {
    const nats = new OwnNats(await freePort(), await mkdtemp(join(tmpdir(), 'sokoul-chaos-nats-')));
    await nats.begin();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Stops it (SIGTERM: the way a rolling restart or `systemctl restart` stops it). */
  async stop(): Promise<void> {
    await this.child?.stop('SIGTERM');
    await closed(this.port);
  }

  /** Starts it again on the same port and store. */
  async begin(): Promise<void> {
    this.child = ServerChild.spawn('nats', 'nats-server', ['-js', '-sd', this.storeDir, '-a', '127.0.0.1', '-p', String(this.port)]);
    await listening(this.port).catch((error: Error) => {
      throw new Error(`nats-server did not listen on ${this.port}: ${error.message}\n${this.child?.tail()}`);
    });
  }

  async destroy(): Promise<void> {
    await this.child?.stop('SIGTERM');
    await rm(this.storeDir, { recursive: true, force: true });
  }
}
