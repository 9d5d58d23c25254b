import type { ServiceName, ServiceProcess, TestStack } from '@sokoul/testing';
import { sleep } from './workers-load';

/**
 * The worker processes of one stack, a fixed number of replicas per service: one can be
 * killed (SIGKILL, no drain) and replaced by a fresh process with the same environment.
 */
export class WorkerFleet {
  private readonly replicas = new Map<ServiceName, ServiceProcess[]>();
  readonly kills: Partial<Record<ServiceName, number>> = {};

  constructor(
    private readonly stack: TestStack,
    private readonly envFor: (name: ServiceName) => Record<string, string>,
  ) {}

  async start(name: ServiceName, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.add(name);
  }

  live(name: ServiceName): readonly ServiceProcess[] {
    return this.replicas.get(name) ?? [];
  }

  /** SIGKILLs one replica of `name` (chosen by `pick` in [0, 1)), waits for it to die, starts its replacement. */
  async killAndReplace(name: ServiceName, pick: number): Promise<void> {
    const replicas = this.replicas.get(name) ?? [];
    const victim = replicas[Math.floor(pick * replicas.length)];
    if (!victim) return;
    victim.kill('SIGKILL');
    await victim.exited;
    replicas.splice(replicas.indexOf(victim), 1);
    this.kills[name] = (this.kills[name] ?? 0) + 1;
    await this.add(name);
  }

  private async add(name: ServiceName): Promise<void> {
    const service = await this.stack.start(name, this.envFor(name));
    this.replicas.set(name, [...(this.replicas.get(name) ?? []), service]);
  }
}

export interface Killer {
  /** Stops after the kill in progress (and its replacement) is over. */
  stop(): Promise<void>;
}

/**
 * Kills a worker at random moments: sleeps a random time around `meanIntervalMs`, SIGKILLs a
 * random replica of the next service in turn (the order starts at a random service), waits for
 * its replacement to be ready, and again, until stopped.
 */
export function startKiller(fleet: WorkerFleet, services: readonly ServiceName[], meanIntervalMs: number, random: () => number): Killer {
  let stopped = false;
  let turn = Math.floor(random() * services.length);
  const loop = (async () => {
    while (!stopped) {
      await sleep(meanIntervalMs * (0.5 + random()));
      if (stopped) break;
      await fleet.killAndReplace(services[turn++ % services.length], random());
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
