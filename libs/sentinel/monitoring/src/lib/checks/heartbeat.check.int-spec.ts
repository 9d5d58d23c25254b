import { type NatsConnection, connect } from 'nats';
import { HEARTBEAT_SUBJECT, type Heartbeat } from '@sokoul/contracts';
import { type MessagingOptions, Wire } from '@sokoul/messaging';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { MonitoringOptions } from '../monitoring.options';
import { HeartbeatCheck } from './heartbeat.check';

const namespace = uniqueNamespace('beats');
let nc: NatsConnection;

const options = { intervalMs: 100, expectedServices: ['scout', 'hunter'], missedHeartbeats: 3 } as MonitoringOptions;
const messaging = { namespace, heartbeatIntervalMs: 50 } as MessagingOptions;

function beat(service: string, instanceId: string, intervalMs = 50): void {
  const heartbeat: Heartbeat = { service, instanceId, startedAt: new Date().toISOString(), sentAt: new Date().toISOString(), intervalMs };
  nc.publish(new Wire(namespace).subject(HEARTBEAT_SUBJECT), JSON.stringify(heartbeat));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  nc = await connect({ servers: testEnvironment.NATS_URL });
});

afterAll(() => nc.close());

describe('HeartbeatCheck (real NATS)', () => {
  it('counts a service up while one of its instances beats, and down once all stopped for three beats', async () => {
    const check = new HeartbeatCheck(nc, messaging, options);
    check.onModuleInit();
    try {
      beat('scout', 'scout-1');
      beat('scout', 'scout-2');
      await nc.flush();
      await sleep(20);

      expect((await check.run()).find((o) => o.key === 'service:scout')).toMatchObject({ ok: true, detail: '2 instances beating.' });

      await sleep(200);
      expect((await check.run()).find((o) => o.key === 'service:scout')).toMatchObject({ ok: false, title: 'scout is down' });
    } finally {
      check.onModuleDestroy();
    }
  });

  it('gives an expected service never heard from its start-up grace, then calls it down', async () => {
    const check = new HeartbeatCheck(nc, messaging, options);
    check.onModuleInit();
    try {
      expect((await check.run()).find((o) => o.key === 'service:hunter')?.ok).toBeUndefined();
      await sleep(350);
      expect((await check.run()).find((o) => o.key === 'service:hunter')).toMatchObject({ ok: false, detail: expect.stringContaining('since the sentinel started') });
    } finally {
      check.onModuleDestroy();
    }
  });

  it('ignores malformed heartbeats', async () => {
    const check = new HeartbeatCheck(nc, messaging, options);
    check.onModuleInit();
    try {
      nc.publish(new Wire(namespace).subject(HEARTBEAT_SUBJECT), '{"service": 42}');
      nc.publish(new Wire(namespace).subject(HEARTBEAT_SUBJECT), 'not json');
      await nc.flush();
      await sleep(20);
      expect((await check.run()).map((o) => o.key).sort()).toEqual(['service:hunter', 'service:scout']);
    } finally {
      check.onModuleDestroy();
    }
  });
});
