import { freePort } from '@sokoul/testing';
import { ServerChild, closed, listening } from './servers-process';

/** A redis-server of the scenario's own on a free port, in memory only: killed, it comes back empty. */
export class OwnRedis {
  private child?: ServerChild;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** SIGKILL: whatever it held is gone. */
  async kill(): Promise<void> {
    await this.child?.stop('SIGKILL');
    await closed(this.port);
  }

  /** Starts it (again) on the same port, empty. */
  async restart(): Promise<void> {
    this.child = ServerChild.spawn('redis', 'redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await listening(this.port).catch((error: Error) => {
      throw new Error(`redis-server did not listen on ${this.port}: ${error.message}\n${this.child?.tail()}`);
    });
  }

  async stop(): Promise<void> {
    await this.child?.stop('SIGTERM');
  }
}
