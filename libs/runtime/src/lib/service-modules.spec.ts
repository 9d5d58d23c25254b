import { hostname } from 'node:os';
import { z } from 'zod';
import { databaseEnv, loadConfig, natsEnv, redisEnv, tracingEnv } from '@sokoul/config';
import { createInstanceId } from './instance-id';
import { type DatabaseEnv, type NatsEnv, databaseOptions, messagingOptions, redisOptions, tracingOptions } from './service-modules';

jest.mock('node:os', () => {
  const actual = jest.requireActual<typeof import('node:os')>('node:os');
  return { ...actual, hostname: jest.fn(actual.hostname) };
});

const databaseEnvironment: DatabaseEnv = {
  DATABASE_URL: 'postgres://sokoul@db.internal:5432/sokoul',
  DATABASE_SCHEMA: 'stack_a',
  DATABASE_POOL_SIZE: 7,
  DATABASE_MIGRATE_ON_START: true,
};

const natsEnvironment: NatsEnv = {
  NATS_URL: 'nats://nats-1:4222,nats://nats-2:4222',
  NATS_ACK_WAIT_MS: 45_000,
  NATS_MAX_DELIVER: 6,
  NATS_RETRY_BACKOFF_MS: [250, 1_500, 9_000],
  NATS_CONCURRENCY: 3,
  NATS_DRAIN_TIMEOUT_MS: 12_000,
  SOKOUL_NAMESPACE: 'stack_a',
};

describe('databaseOptions', () => {
  it('maps the database variables and names the connection after the service', () => {
    expect(databaseOptions(databaseEnvironment, 'scout')).toEqual({
      url: 'postgres://sokoul@db.internal:5432/sokoul',
      schema: 'stack_a',
      poolSize: 7,
      applicationName: 'sokoul-scout',
      migrateOnStart: true,
    });
  });

  it('gives each service its own application name', () => {
    expect(databaseOptions(databaseEnvironment, 'gateway').applicationName).toBe('sokoul-gateway');
    expect(databaseOptions(databaseEnvironment, 'oracle').applicationName).toBe('sokoul-oracle');
  });

  it('passes migrateOnStart false through', () => {
    expect(databaseOptions({ ...databaseEnvironment, DATABASE_MIGRATE_ON_START: false }, 'scout').migrateOnStart).toBe(false);
  });
});

describe('messagingOptions', () => {
  it('maps every NATS variable, with the service and instance id it is given', () => {
    expect(messagingOptions(natsEnvironment, 'hunter', 'host-1-42-beef')).toEqual({
      service: 'hunter',
      instanceId: 'host-1-42-beef',
      servers: 'nats://nats-1:4222,nats://nats-2:4222',
      namespace: 'stack_a',
      ackWaitMs: 45_000,
      maxDeliver: 6,
      retryBackoffMs: [250, 1_500, 9_000],
      concurrency: 3,
      drainTimeoutMs: 12_000,
    });
  });

  it('leaves the namespace undefined when SOKOUL_NAMESPACE is not set', () => {
    const { SOKOUL_NAMESPACE: _unset, ...withoutNamespace } = natsEnvironment;

    expect(messagingOptions(withoutNamespace, 'hunter', 'host-1').namespace).toBeUndefined();
  });
});

describe('redisOptions', () => {
  it('uses the namespace as key prefix and names the connection after the service', () => {
    expect(redisOptions({ REDIS_URL: 'redis://cache:6379', SOKOUL_NAMESPACE: 'stack_a' }, 'gateway')).toEqual({
      url: 'redis://cache:6379',
      keyPrefix: 'stack_a',
      connectionName: 'sokoul-gateway',
    });
  });

  it('sets no key prefix without a namespace', () => {
    expect(redisOptions({ REDIS_URL: 'redis://cache:6379' }, 'gateway').keyPrefix).toBeUndefined();
  });
});

describe('tracingOptions', () => {
  const parse = (env: Record<string, string>) => loadConfig(z.object(tracingEnv), env);

  it('is undefined, tracing off, when no OTLP endpoint is set (or it is set empty)', () => {
    expect(tracingOptions(parse({}), 'scout')).toBeUndefined();
    expect(tracingOptions(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: 'x' }), 'scout')).toBeUndefined();
  });

  it('posts to /v1/traces under the base endpoint, named after the service, every new trace kept', () => {
    expect(tracingOptions(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), 'scout', 'host-1')).toEqual({
      serviceName: 'scout',
      tracesUrl: 'http://collector:4318/v1/traces',
      sampleRatio: 1,
      instanceId: 'host-1',
    });
  });

  it('takes the traces endpoint as it is, before the base, with the service name and ratio given', () => {
    const env = parse({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.test/api/traces',
      OTEL_SERVICE_NAME: 'sokoul-scout',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });

    expect(tracingOptions(env, 'scout')).toMatchObject({ serviceName: 'sokoul-scout', tracesUrl: 'https://otlp.example.test/api/traces', sampleRatio: 0.25 });
  });
});

describe('options built from the parsed environment', () => {
  const schema = z.object({ ...databaseEnv, ...natsEnv, ...redisEnv });

  it('turns the variables as a process receives them into module options', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sokoul',
      DATABASE_SCHEMA: 'e2e_one',
      DATABASE_POOL_SIZE: '3',
      DATABASE_MIGRATE_ON_START: '1',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_RETRY_BACKOFF_MS: '100, 200,400',
      NATS_MAX_DELIVER: '2',
      SOKOUL_NAMESPACE: 'e2e_one',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });

    expect(databaseOptions(config, 'sentinel')).toMatchObject({ schema: 'e2e_one', poolSize: 3, migrateOnStart: true, applicationName: 'sokoul-sentinel' });
    expect(messagingOptions(config, 'sentinel', 'id-1')).toMatchObject({ namespace: 'e2e_one', retryBackoffMs: [100, 200, 400], maxDeliver: 2 });
    expect(redisOptions(config, 'sentinel')).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'e2e_one', connectionName: 'sokoul-sentinel' });
  });
});

describe('createInstanceId', () => {
  it('returns a different id on each call', () => {
    const first = createInstanceId();
    const second = createInstanceId();

    expect(second).not.toBe(first);
  });

  it('uses only characters allowed in NATS consumer names: [A-Za-z0-9_-]', () => {
    for (let i = 0; i < 20; i++) expect(createInstanceId()).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('replaces what a host name may contain beyond [A-Za-z0-9_-] (dots, spaces) with _', () => {
    jest.mocked(hostname).mockReturnValueOnce('web-1.prod.example.com (eu)');

    expect(createInstanceId()).toMatch(new RegExp(`^web-1_prod_example_com__eu_-${process.pid}-[0-9a-f]{8}$`));
  });

  it('contains the process id, so logs and consumer names point at the process', () => {
    expect(createInstanceId()).toContain(`-${process.pid}-`);
  });
});
