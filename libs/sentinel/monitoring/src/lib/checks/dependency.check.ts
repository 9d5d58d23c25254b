import { Injectable } from '@nestjs/common';
import { NatsReadiness } from '@sokoul/messaging';
import { type ReadinessCheck, gauge, withTimeout } from '@sokoul/observability';
import { PostgresReadiness } from '@sokoul/persistence';
import { RedisReadiness } from '@sokoul/redis';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const dependencyUp = gauge('sokoul_dependency_up', '1 when the dependency answered the last probe, 0 otherwise', ['dependency']);

const PROBE_TIMEOUT_MS = 3_000;

/** Postgres, Redis and NATS answer (within 3 s: one that stops answering is down, even with its connection open). */
@Injectable()
export class DependencyCheck implements SentinelCheck {
  readonly category = 'dependency';
  private readonly probes: ReadinessCheck[];

  constructor(postgres: PostgresReadiness, redis: RedisReadiness, nats: NatsReadiness) {
    this.probes = [postgres, redis, nats];
  }

  run(): Promise<CheckOutcome[]> {
    return Promise.all(this.probes.map((probe) => this.probe(probe)));
  }

  private async probe(probe: ReadinessCheck): Promise<CheckOutcome> {
    const name = displayName(probe.name);
    try {
      await withTimeout(probe.check(), PROBE_TIMEOUT_MS);
      dependencyUp.set({ dependency: probe.name }, 1);
      return outcome(this.category, probe.name, { ok: true, severity: 'critical', title: `${name} is up`, detail: `${name} answered.` });
    } catch (error) {
      dependencyUp.set({ dependency: probe.name }, 0);
      return outcome(this.category, probe.name, { ok: false, severity: 'critical', title: `${name} is down`, detail: `${name} does not answer: ${(error as Error).message}` });
    }
  }
}

function displayName(name: string): string {
  return { postgres: 'Postgres', redis: 'Redis', nats: 'NATS' }[name] ?? name;
}
