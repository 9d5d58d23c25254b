import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AckPolicy, type JetStreamClient, type JetStreamManager, type NatsConnection, connect } from 'nats';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { Streams, Subjects } from '@sokoul/contracts';
import { type MessagingOptions, NatsReadiness, Wire, ensureStreams } from '@sokoul/messaging';
import { PostgresReadiness, createDataSource } from '@sokoul/persistence';
import { RedisReadiness } from '@sokoul/redis';
import { createTestSchema, eventually, removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { DependencyMonitorService } from './dependency-monitor.service';

jest.setTimeout(30_000);

const namespace = uniqueNamespace('sentinel_mon');
const wire = new Wire(namespace);
const commandsStream = wire.stream(Streams.commands);

const messaging: MessagingOptions = {
  service: 'sentinel',
  instanceId: 'sentinel-test-1',
  servers: testEnvironment.NATS_URL,
  namespace,
  ackWaitMs: 30_000,
  maxDeliver: 3,
  retryBackoffMs: [100],
  concurrency: 2,
  drainTimeoutMs: 2_000,
};

let dataSource: DataSource;
let nc: NatsConnection | undefined;
let js: JetStreamClient;
let jsm: JetStreamManager;
let redis: Redis | undefined;
/** Clients a test made for itself (unreachable, or connected late), closed after it. */
const extraRedis: Redis[] = [];
const extraNats: NatsConnection[] = [];

function monitor(overrides: { postgres?: DataSource; redis?: Redis; nats?: NatsConnection } = {}): DependencyMonitorService {
  const natsConnection = overrides.nats ?? nc!;
  return new DependencyMonitorService(
    new PostgresReadiness(overrides.postgres ?? dataSource),
    new RedisReadiness(overrides.redis ?? redis!),
    new NatsReadiness(natsConnection),
    natsConnection,
    messaging,
    { intervalMs: 60_000 },
  );
}

/** A client for a port nobody listens on; it never connects and fails commands at once. */
function unreachableRedis(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  extraRedis.push(client);
  return client;
}

async function gaugeValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))?.value;
}

const dependencyUp = (dependency: string) => gaugeValue('sokoul_dependency_up', { dependency });

beforeAll(async () => {
  ({ dataSource } = await createTestSchema(namespace));
  redis = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true });
  await redis.connect();
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  js = nc.jetstream();
  await ensureStreams(jsm, wire);
});

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  for (const client of extraRedis.splice(0)) client.disconnect();
  for (const connection of extraNats.splice(0)) if (!connection.isClosed()) await connection.close();
  for (const consumer of await jsm.consumers.list(commandsStream).next()) {
    await jsm.consumers.delete(commandsStream, consumer.name);
  }
  await jsm.streams.purge(commandsStream);
});

afterAll(async () => {
  await dataSource?.destroy();
  await redis?.quit();
  await nc?.close();
  await removeNamespace(namespace);
});

describe('DependencyMonitorService.probe (real Postgres, Redis and NATS)', () => {
  it('sets sokoul_dependency_up to 1 for postgres, redis and nats when each answers', async () => {
    await monitor({ redis: unreachableRedis() }).probe();
    expect(await dependencyUp('redis')).toBe(0);

    await monitor().probe();

    expect(await dependencyUp('postgres')).toBe(1);
    expect(await dependencyUp('redis')).toBe(1);
    expect(await dependencyUp('nats')).toBe(1);
  });

  it('sets redis to 0 when Redis is unreachable, while postgres and nats stay 1', async () => {
    await monitor().probe();
    expect(await dependencyUp('redis')).toBe(1);

    await monitor({ redis: unreachableRedis() }).probe();

    expect(await dependencyUp('redis')).toBe(0);
    expect(await dependencyUp('postgres')).toBe(1);
    expect(await dependencyUp('nats')).toBe(1);
  });

  it('sets postgres to 0 when its data source is not connected', async () => {
    const notConnected = createDataSource({ url: testEnvironment.TEST_DATABASE_URL, schema: namespace, poolSize: 1, applicationName: 'sentinel-spec' });

    await monitor({ postgres: notConnected }).probe();

    expect(await dependencyUp('postgres')).toBe(0);
    expect(await dependencyUp('redis')).toBe(1);
    expect(await dependencyUp('nats')).toBe(1);
  });

  it('sets nats to 0 when its connection is closed, and still probes the others', async () => {
    const closed = await connect({ servers: testEnvironment.NATS_URL });
    extraNats.push(closed);
    await closed.close();

    await monitor({ nats: closed }).probe();

    expect(await dependencyUp('nats')).toBe(0);
    expect(await dependencyUp('postgres')).toBe(1);
    expect(await dependencyUp('redis')).toBe(1);
  });

  it('brings a dependency back to 1 once it answers again, logging each change of state once', async () => {
    const late = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    extraRedis.push(late);
    const service = monitor({ redis: late });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);

    await service.probe();
    await service.probe();
    expect(await dependencyUp('redis')).toBe(0);
    expect(warn.mock.calls.filter(([message]) => String(message).startsWith('redis is down'))).toEqual([['redis is down: connection wait']]);

    await late.connect();
    await service.probe();

    expect(await dependencyUp('redis')).toBe(1);
    expect(log.mock.calls.filter(([message]) => message === 'redis is up')).toHaveLength(1);
  });

  it('reports the unconsumed messages of a durable consumer as sokoul_nats_consumer_pending', async () => {
    const consumer = 'lag-probe';
    await jsm.consumers.add(commandsStream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      filter_subject: wire.subject(Subjects.searchRequested),
    });
    for (let i = 0; i < 3; i++) await js.publish(`${namespace}.sokoul.search.requested`, `raw-${i}`);

    await monitor().probe();

    expect(await gaugeValue('sokoul_nats_consumer_pending', { stream: commandsStream, consumer })).toBe(3);
    expect(await gaugeValue('sokoul_nats_consumer_ack_pending', { stream: commandsStream, consumer })).toBe(0);
  });

  it('moves a delivered but unacknowledged message from pending to ack-pending', async () => {
    const consumer = 'lag-probe-delivered';
    await jsm.consumers.add(commandsStream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000_000_000,
      filter_subject: wire.subject(Subjects.searchRequested),
    });
    for (let i = 0; i < 4; i++) await js.publish(`${namespace}.sokoul.search.requested`, `raw-${i}`);
    const delivered = await (await js.consumers.get(commandsStream, consumer)).next({ expires: 5_000 });
    expect(delivered).not.toBeNull();

    await eventually(async () => {
      await monitor().probe();
      expect(await gaugeValue('sokoul_nats_consumer_pending', { stream: commandsStream, consumer })).toBe(3);
      expect(await gaugeValue('sokoul_nats_consumer_ack_pending', { stream: commandsStream, consumer })).toBe(1);
    });
  });

  it('drops the lag series of a consumer that no longer exists', async () => {
    const consumer = 'lag-probe-gone';
    await jsm.consumers.add(commandsStream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      filter_subject: wire.subject(Subjects.searchRequested),
    });
    await js.publish(`${namespace}.sokoul.search.requested`, 'raw');
    await monitor().probe();
    expect(await gaugeValue('sokoul_nats_consumer_pending', { stream: commandsStream, consumer })).toBe(1);

    await jsm.consumers.delete(commandsStream, consumer);
    await monitor().probe();

    expect(await gaugeValue('sokoul_nats_consumer_pending', { stream: commandsStream, consumer })).toBeUndefined();
  });
});
