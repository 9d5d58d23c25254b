import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AccessTokenService } from '@sokoul/gateway/access';
import { startGatewayTestApp } from '@sokoul/gateway/testing';
import { AlertRepository } from '@sokoul/persistence';
import { removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { SystemModule } from './system.module';

jest.setTimeout(30_000);

describe('system status and alerts over HTTP (real Postgres)', () => {
  const schema = uniqueNamespace('system');
  let app: INestApplication;
  let alerts: AlertRepository;
  let adminToken: string;
  let userToken: string;
  const get = (path: string, token = adminToken) => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  const alert = (key: string, severity: 'critical' | 'warning', raisedAt: Date) => ({ id: randomUUID(), key, severity, title: `${key} is bad`, detail: 'details', raisedAt });

  beforeAll(async () => {
    app = await startGatewayTestApp({ namespace: schema, imports: [SystemModule.forRoot({ sentinelIntervalMs: 15_000 })] });
    alerts = app.get(AlertRepository);
    const tokens = app.get(AccessTokenService);
    adminToken = await tokens.sign(randomUUID(), 'admin');
    userToken = await tokens.sign(randomUUID(), 'user');
  });

  afterAll(async () => {
    await app?.close();
    await removeNamespace(schema);
  });

  it('says stale and ok before the sentinel ever ran', async () => {
    const response = await get('/api/v1/system/status');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checkedAt: null, stale: true, checks: [], openAlerts: [] });
  });

  it("shows the sentinel's latest checks, degraded while a warning is open and down while a critical one is", async () => {
    const now = new Date();
    await alerts.recordChecks(
      [
        { key: 'dependency:redis', ok: true, severity: 'critical', title: 'Redis is up', detail: 'Redis answered.' },
        { key: 'disk:library', ok: false, severity: 'warning', title: 'Low disk space: library', detail: '2 GiB free' },
      ],
      now,
    );
    await alerts.raise(alert('disk:library', 'warning', now));

    const degraded = await get('/api/v1/system/status');
    expect(degraded.body).toMatchObject({ status: 'degraded', stale: false, checkedAt: now.toISOString(), openAlerts: [{ key: 'disk:library', severity: 'warning', resolvedAt: null }] });
    expect(degraded.body.checks.map((c: { key: string; ok: boolean }) => [c.key, c.ok])).toEqual([
      ['dependency:redis', true],
      ['disk:library', false],
    ]);

    await alerts.raise(alert('service:scout', 'critical', new Date(now.getTime() + 1)));
    expect((await get('/api/v1/system/status')).body.status).toBe('down');
  });

  it('pages through alerts newest first, filtered by state', async () => {
    const base = Date.parse('2030-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++) await alerts.raise(alert(`indexer:paged-${i}`, 'warning', new Date(base + i * 1000)));
    await alerts.resolve('indexer:paged-0', new Date(base + 10_000));

    const first = await get('/api/v1/system/alerts?limit=2');
    const second = await get(`/api/v1/system/alerts?limit=2&cursor=${first.body.nextCursor}`);
    const resolved = await get('/api/v1/system/alerts?state=resolved');

    expect(first.body.items.map((a: { key: string }) => a.key)).toEqual(['indexer:paged-4', 'indexer:paged-3']);
    expect(second.body.items.map((a: { key: string }) => a.key)).toEqual(['indexer:paged-2', 'indexer:paged-1']);
    expect(resolved.body.items.map((a: { key: string }) => a.key)).toEqual(['indexer:paged-0']);
  });

  it('refuses a cursor it did not hand out, and an unknown state, with 400', async () => {
    expect((await get('/api/v1/system/alerts?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await get('/api/v1/system/alerts?state=maybe')).status).toBe(400);
  });

  it('is for admins only', async () => {
    expect((await get('/api/v1/system/status', userToken)).status).toBe(403);
    expect((await get('/api/v1/system/alerts', userToken)).status).toBe(403);
    expect((await request(app.getHttpServer()).get('/api/v1/system/status')).status).toBe(401);
  });
});
