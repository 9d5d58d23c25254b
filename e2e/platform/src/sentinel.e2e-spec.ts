import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, eventually, freePort, type Account, getJson, openSocket, postJson, signUp, TestStack } from '@sokoul/testing';

interface Notice {
  key: string;
  state: 'raised' | 'resolved';
  severity: string;
  title: string;
}

/** A Redis of this test's own, to kill and bring back. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve();
      });
      socket.on('error', reject);
    });
  });
  return redis;
}

/**
 * The sentinel as a real process watching a real platform: a Redis killed and restarted, a
 * worker stopped while its commands pile up, a disk under its threshold. Each is raised once,
 * told to the webhook and to admins over the WebSocket, shown by the API, and resolved when it
 * recovers.
 */
describe('sentinel: checks → alerts (webhook, WebSocket, API) → resolved', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let scout: ServiceProcess;
  let sentinel: ServiceProcess;
  let redis: ChildProcess;
  let redisPort: number;
  let webhook: Server;
  let admin: Account;
  let alice: Account;
  let diskDir: string;
  const notices: Notice[] = [];
  const api = (path: string) => `${gateway.url}/api/v1${path}`;

  const noticesFor = (key: string) => notices.filter((n) => n.key === key).map((n) => n.state);

  beforeAll(async () => {
    webhook = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        notices.push(JSON.parse(body) as Notice);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    diskDir = await mkdtemp(join(tmpdir(), 'sokoul-sentinel-'));
    stack = await TestStack.create('sentinel');
    gateway = await stack.start('gateway', { SENTINEL_INTERVAL_MS: '500', NATS_HEARTBEAT_INTERVAL_MS: '300' });
    scout = await stack.start('scout', { SCOUT_WATCHLIST_TICK_MS: '0', NATS_HEARTBEAT_INTERVAL_MS: '300' });
    sentinel = await stack.start('sentinel', {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SENTINEL_INTERVAL_MS: '500',
      NATS_HEARTBEAT_INTERVAL_MS: '300',
      SENTINEL_EXPECTED_SERVICES: 'gateway,scout',
      SENTINEL_LAG_THRESHOLD: '20',
      SENTINEL_DISK_PATHS: `downloads=${diskDir}`,
      SENTINEL_DISK_MIN_FREE_PERCENT: '100',
      SENTINEL_ALERT_WEBHOOKS: `json=http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/sokoul`,
    });
    admin = await signUp(gateway.url, 'admin');
    alice = await signUp(gateway.url, 'alice');
  });

  afterAll(async () => {
    await stack?.destroy();
    redis?.kill('SIGKILL');
    webhook?.close();
    if (diskDir) await rm(diskDir, { recursive: true, force: true });
  });

  it('raises a disk alert once, however many rounds it stays low, and shows it to admins only', async () => {
    await eventually(() => expect(noticesFor('disk:downloads')).toEqual(['raised']), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(noticesFor('disk:downloads')).toEqual(['raised']);

    const status = await getJson<{ status: string; stale: boolean; checks: Array<{ key: string; ok: boolean }>; openAlerts: Array<{ key: string }> }>(api('/system/status'), admin.accessToken);
    expect(status.status).toBe(200);
    expect(status.body.stale).toBe(false);
    expect(status.body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'dependency:postgres', ok: true }), expect.objectContaining({ key: 'disk:downloads', ok: false })]));
    expect(status.body.openAlerts.map((a) => a.key)).toContain('disk:downloads');
    expect((await getJson(api('/system/status'), alice.accessToken)).status).toBe(403);
    expect((await getJson(api('/system/alerts'), alice.accessToken)).status).toBe(403);
  });

  it('raises "Redis is down" within two intervals of Redis dying, and resolves it once Redis is back', async () => {
    const { socket, frames } = await openSocket(`ws://127.0.0.1:${gateway.port}/ws`, admin.accessToken);
    const aliceSocket = await openSocket(`ws://127.0.0.1:${gateway.port}/ws`, alice.accessToken);
    try {
      redis.kill('SIGKILL');
      const killedAt = Date.now();
      await eventually(() => expect(noticesFor('dependency:redis')).toEqual(['raised']), 10_000, 50);
      // Two intervals, plus the probe's own 3 s timeout when a connection hangs rather than fails.
      expect(Date.now() - killedAt).toBeLessThan(2 * 500 + 3_000 + 500);
      expect(notices.find((n) => n.key === 'dependency:redis')).toMatchObject({ severity: 'critical', title: 'Redis is down' });

      redis = await startRedis(redisPort);
      await eventually(() => expect(noticesFor('dependency:redis')).toEqual(['raised', 'resolved']), 15_000);

      await eventually(() => {
        const alerts = frames.filter((f) => f['type'] === 'system.alert').map((f) => f['data'] as Notice);
        expect(alerts.filter((a) => a.key === 'dependency:redis').map((a) => a.state)).toEqual(['raised', 'resolved']);
      });
      expect(aliceSocket.frames.some((f) => f['type'] === 'system.alert')).toBe(false);
      const page = await getJson<{ items: Array<{ key: string; resolvedAt: string | null }> }>(api('/system/alerts?state=resolved'), admin.accessToken);
      expect(page.body.items.find((a) => a.key === 'dependency:redis')?.resolvedAt).toEqual(expect.any(String));
    } finally {
      socket.close();
      aliceSocket.socket.close();
    }
  });

  it('raises queue lag and "scout is down" when the scout stops while searches pile up, and resolves both when it is back', async () => {
    expect(noticesFor('service:scout')).toEqual([]);
    expect(noticesFor('service:gateway')).toEqual([]);
    await scout.stop();
    for (let i = 0; i < 25; i++) expect((await postJson(api('/searches'), { query: `Piled up ${i}` }, alice.accessToken)).status).toBe(202);

    await eventually(() => expect(notices.some((n) => n.key.startsWith('jetstream:lag:scout-') && n.key.includes('search_requested') && n.state === 'raised')).toBe(true), 15_000);
    await eventually(() => expect(noticesFor('service:scout')).toEqual(['raised']), 10_000, 100);

    scout = await stack.start('scout', { SCOUT_WATCHLIST_TICK_MS: '0', NATS_HEARTBEAT_INTERVAL_MS: '300' });

    await eventually(() => expect(notices.some((n) => n.key.startsWith('jetstream:lag:scout-') && n.state === 'resolved')).toBe(true), 30_000, 200);
    await eventually(() => expect(noticesFor('service:scout')).toEqual(['raised', 'resolved']), 15_000, 200);
    expect(sentinel.logs.some((l) => l.level === 'error')).toBe(false);
  });
});
