import type { DataSource } from 'typeorm';
import { connect, type NatsConnection } from 'nats';
import { type ServiceName, ServiceProcess } from './service-process';
import { testEnvironment, uniqueNamespace } from './test-environment';
import { createTestSchema } from './test-schema';
import { namespaceEnv } from './namespace-env';

/**
 * The platform for one test file: its own Postgres schema (migrated), NATS namespace and Redis
 * prefix on the shared servers, and the services it starts as real processes.
 */
export class TestStack {
  readonly services: ServiceProcess[] = [];
  nats!: NatsConnection;
  db!: DataSource;
  private dropSchema!: () => Promise<void>;

  private constructor(readonly namespace: string) {}

  static async create(label: string): Promise<TestStack> {
    const stack = new TestStack(uniqueNamespace(label));
    const schema = await createTestSchema(stack.namespace);
    stack.db = schema.dataSource;
    stack.dropSchema = schema.drop;
    stack.nats = await connect({ servers: testEnvironment.NATS_URL });
    return stack;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...namespaceEnv(this.namespace), ...extra };
  }

  async start(name: ServiceName, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(name, this.env(extra));
    this.services.push(service);
    return service;
  }

  subject(logical: string): string {
    return `${this.namespace}.${logical}`;
  }

  stream(name: string): string {
    return `${this.namespace.toUpperCase()}_${name}`;
  }

  /** How many messages the events stream holds per logical subject (`sokoul.search.completed` → n). */
  async eventCounts(): Promise<Record<string, number>> {
    const jsm = await this.nats.jetstreamManager();
    const { state } = await jsm.streams.info(this.stream('SOKOUL_EVENTS'), { subjects_filter: '>' });
    const prefix = `${this.namespace}.`;
    return Object.fromEntries(Object.entries(state.subjects ?? {}).map(([subject, count]) => [subject.startsWith(prefix) ? subject.slice(prefix.length) : subject, count]));
  }

  /** Stops the services, removes this file's streams and schema. */
  async destroy(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    const jsm = await this.nats.jetstreamManager();
    for (const name of ['SOKOUL_COMMANDS', 'SOKOUL_EVENTS', 'SOKOUL_DLQ']) {
      await jsm.streams.delete(this.stream(name)).catch(() => undefined);
    }
    await this.nats.close();
    await this.dropSchema();
  }
}
