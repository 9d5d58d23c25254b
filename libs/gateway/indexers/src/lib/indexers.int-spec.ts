import { startGatewayTestApp } from '@sokoul/gateway/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { type FakeTorznabIndexer, startFakeTorznabIndexer } from '@sokoul/fakes';
import { AccessTokenService } from '@sokoul/gateway/access';
import { AuditLogRepository, IndexerRepository, SecretCipher } from '@sokoul/persistence';
import { removeNamespace, uniqueNamespace } from '@sokoul/testing';
import type { IndexerDto } from './indexer.dto';
import { IndexersModule } from './indexers.module';

jest.setTimeout(30_000);

const ENCRYPTION_KEY = 'indexers-spec-encryption-key-of-32-chars-or-more';
const INDEXER_KEYS = ['apiKeySet', 'capabilities', 'capabilitiesCheckedAt', 'categories', 'createdAt', 'enabled', 'id', 'name', 'priority', 'updatedAt', 'url'];

describe('indexers over HTTP (real Postgres, a fake Torznab indexer)', () => {
  const schema = uniqueNamespace('indexers');
  let app: INestApplication;
  let jackett: FakeTorznabIndexer;
  let prowlarr: FakeTorznabIndexer;
  let adminToken: string;
  let userToken: string;
  const adminId = randomUUID();
  /** Every response body this file received: none may carry an API key. */
  const bodies: string[] = [];
  /** Every API key this file handled. */
  const keys: string[] = [];

  async function recorded(test: request.Test): Promise<request.Response> {
    const response = await test;
    bodies.push(response.text ?? '');
    return response;
  }
  const http = () => request(app.getHttpServer());
  const as = (test: request.Test, token: string) => test.set('Authorization', `Bearer ${token}`);
  const get = (path: string, token = adminToken) => recorded(as(http().get(path), token));
  const post = (path: string, body?: object, token = adminToken) => recorded(as(http().post(path), token).send(body));
  const patch = (path: string, body: object, token = adminToken) => recorded(as(http().patch(path), token).send(body));
  const del = (path: string, token = adminToken) => recorded(as(http().delete(path), token));

  function expectProblem(response: request.Response, status: number, type: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `https://sokoul.dev/problems/${type}`, status });
  }

  async function created(body: Record<string, unknown>): Promise<IndexerDto> {
    const response = await post('/api/v1/indexers', body);
    expect(response.status).toBe(201);
    return response.body as IndexerDto;
  }

  beforeAll(async () => {
    jackett = await startFakeTorznabIndexer({ name: 'spec-jackett', flavour: 'jackett' });
    prowlarr = await startFakeTorznabIndexer({ name: 'spec-prowlarr', flavour: 'prowlarr', authFailureStatus: 401 });
    keys.push(jackett.apiKey, prowlarr.apiKey);
    app = await startGatewayTestApp({ namespace: schema, imports: [IndexersModule.forRoot({ secretsEncryptionKey: ENCRYPTION_KEY, testTimeoutMs: 1_000 })] });
    const tokens = app.get(AccessTokenService);
    adminToken = await tokens.sign(adminId, 'admin');
    userToken = await tokens.sign(randomUUID(), 'user');
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([jackett?.close(), prowlarr?.close()]);
    await removeNamespace(schema);
  });

  describe('adding an indexer', () => {
    it('answers 201 with the indexer and apiKeySet, never the key, and stores the key encrypted', async () => {
      const response = await post('/api/v1/indexers', { name: 'Jackett LAN', url: jackett.url, apiKey: jackett.apiKey, categories: [2000, 5000, 2000] });

      expect(response.status).toBe(201);
      expect(Object.keys(response.body).sort()).toEqual(INDEXER_KEYS);
      expect(response.body).toMatchObject({
        name: 'Jackett LAN',
        url: jackett.url,
        apiKeySet: true,
        categories: [2000, 5000],
        priority: 25,
        enabled: true,
        capabilities: null,
        capabilitiesCheckedAt: null,
      });
      const stored = await app.get(IndexerRepository).findById(response.body.id);
      expect(stored!.apiKeyEncrypted).not.toContain(jackett.apiKey);
      expect(new SecretCipher(ENCRYPTION_KEY).decrypt(stored!.apiKeyEncrypted)).toBe(jackett.apiKey);
    });

    it('accepts loopback and LAN addresses, which is where Jackett and Prowlarr live', async () => {
      const lan = await created({ name: 'Prowlarr LAN', url: 'http://192.168.1.20:9696/1/api', apiKey: 'lan-key-1234', priority: 1, enabled: false });
      keys.push('lan-key-1234');

      expect(lan).toMatchObject({ url: 'http://192.168.1.20:9696/1/api', priority: 1, enabled: false });
    });

    it.each([
      ['a scheme other than http(s)', { url: 'ftp://127.0.0.1/torznab' }, '/url', 'url must be an http or https URL'],
      ['a file URL', { url: 'file:///etc/passwd' }, '/url', 'url must be an http or https URL'],
      ['something that is not a URL', { url: 'jackett' }, '/url', 'url must be an absolute http or https URL'],
      ['credentials in the URL', { url: 'http://admin:secret@127.0.0.1:9117/api' }, '/url', 'url must not contain a user name or password'], // secretlint-disable-line -- a fixture, not a credential
      ['an API key in the URL', { url: 'http://127.0.0.1:9117/api?apikey=abc' }, '/url', 'url must not contain an API key or passkey: give the key as apiKey'],
      ['a priority above 50', { priority: 51 }, '/priority', 'priority must be from 1 to 50'],
      ['an empty API key', { apiKey: '  ' }, '/apiKey', 'apiKey must not be empty'],
      ['an unknown field', { apiKeyEncrypted: 'v1.x.y.z' }, '/', 'unknown field(s): apiKeyEncrypted'],
    ])('refuses %s with a 400 problem naming the field', async (_case, change, pointer, detail) => {
      const response = await post('/api/v1/indexers', { name: 'Refused', url: jackett.url, apiKey: 'refused-key-1', ...change });

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer, detail }]);
      expect((await get('/api/v1/indexers')).body.map((i: IndexerDto) => i.name)).not.toContain('Refused');
    });

    it('refuses a name already taken, whatever its letter case, with 409', async () => {
      const response = await post('/api/v1/indexers', { name: 'JACKETT lan', url: jackett.url, apiKey: 'another-key-1' });

      expectProblem(response, 409, 'indexer-exists');
    });
  });

  describe('reading and changing', () => {
    it('lists indexers by priority then name, and reads one', async () => {
      const list = await get('/api/v1/indexers');
      const jackettLan = list.body.find((i: IndexerDto) => i.name === 'Jackett LAN') as IndexerDto;

      expect(list.status).toBe(200);
      expect(list.body.map((i: IndexerDto) => i.name).slice(0, 2)).toEqual(['Prowlarr LAN', 'Jackett LAN']);
      expect((await get(`/api/v1/indexers/${jackettLan.id}`)).body).toEqual(jackettLan);
    });

    it('changes the given fields only, and answers 404 for an unknown indexer', async () => {
      const indexer = await created({ name: 'To change', url: jackett.url, apiKey: jackett.apiKey, categories: [2000] });

      const response = await patch(`/api/v1/indexers/${indexer.id}`, { priority: 10, enabled: false });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'To change', categories: [2000], priority: 10, enabled: false, apiKeySet: true });
      expectProblem(await patch(`/api/v1/indexers/${randomUUID()}`, { priority: 10 }), 404, 'indexer-not-found');
      expectProblem(await patch(`/api/v1/indexers/${indexer.id}`, { name: 'jackett LAN' }), 409, 'indexer-exists');
      expectProblem(await patch(`/api/v1/indexers/${indexer.id}`, {}), 400, 'validation');
    });

    it('deletes with 204, after which the indexer is gone', async () => {
      const indexer = await created({ name: 'To delete', url: jackett.url, apiKey: jackett.apiKey });

      expect((await del(`/api/v1/indexers/${indexer.id}`)).status).toBe(204);
      expectProblem(await get(`/api/v1/indexers/${indexer.id}`), 404, 'indexer-not-found');
      expectProblem(await del(`/api/v1/indexers/${indexer.id}`), 404, 'indexer-not-found');
    });
  });

  describe('testing an indexer (t=caps)', () => {
    it('reads the capabilities with the stored key, stores and returns them', async () => {
      const indexer = await created({ name: 'Caps', url: jackett.url, apiKey: jackett.apiKey });

      const response = await post(`/api/v1/indexers/${indexer.id}/test`);

      expect(response.status).toBe(200);
      expect(response.body.capabilities).toMatchObject({
        searching: { movieSearch: { available: true }, tvSearch: { available: true } },
        categories: expect.arrayContaining([expect.objectContaining({ id: 2000 })]),
      });
      expect(response.body.capabilitiesCheckedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect((await get(`/api/v1/indexers/${indexer.id}`)).body.capabilities).toEqual(response.body.capabilities);
      expect(jackett.requests.at(-1)!.query).toMatchObject({ t: 'caps', apikey: 'REDACTED' });
    });

    it.each([
      ['Jackett (HTTP 200 with error 100)', () => jackett],
      ['Prowlarr (HTTP 401)', () => prowlarr],
    ])('answers a refused key from %s with 422 indexer-auth-failed, and stores nothing', async (_case, fake) => {
      const wrongKey = `wrong-key-${randomUUID()}`;
      keys.push(wrongKey);
      const indexer = await created({ name: `Wrong key ${randomUUID()}`, url: fake().url, apiKey: wrongKey });

      const response = await post(`/api/v1/indexers/${indexer.id}/test`);

      expectProblem(response, 422, 'indexer-auth-failed');
      expect(response.body.title).toBe('The indexer refused the API key');
      expect((await get(`/api/v1/indexers/${indexer.id}`)).body).toMatchObject({ capabilities: null, capabilitiesCheckedAt: null });
    });

    it('passes once the right key replaces the wrong one (PATCH apiKey)', async () => {
      const indexer = await created({ name: 'Key fixed', url: prowlarr.url, apiKey: 'not-the-prowlarr-key' });
      keys.push('not-the-prowlarr-key');
      expect((await post(`/api/v1/indexers/${indexer.id}/test`)).status).toBe(422);

      expect((await patch(`/api/v1/indexers/${indexer.id}`, { apiKey: prowlarr.apiKey })).status).toBe(200);

      expect((await post(`/api/v1/indexers/${indexer.id}/test`)).status).toBe(200);
    });

    it('answers an unreachable indexer with 502 indexer-unreachable', async () => {
      const gone = await startFakeTorznabIndexer({ name: 'gone' });
      await gone.close();
      const indexer = await created({ name: 'Unreachable', url: gone.url, apiKey: gone.apiKey });
      keys.push(gone.apiKey);

      const response = await post(`/api/v1/indexers/${indexer.id}/test`);

      expectProblem(response, 502, 'indexer-unreachable');
    });

    it('answers an indexer slower than the timeout with 502 indexer-unreachable', async () => {
      const slow = await startFakeTorznabIndexer({ name: 'slow', delayMs: 3_000 });
      keys.push(slow.apiKey);
      try {
        const indexer = await created({ name: 'Slow', url: slow.url, apiKey: slow.apiKey });

        const response = await post(`/api/v1/indexers/${indexer.id}/test`);

        expectProblem(response, 502, 'indexer-unreachable');
        expect(response.body.detail).toMatch(/did not answer within 1000 ms/);
      } finally {
        await slow.close();
      }
    });

    it('answers an indexer that fails with 502 indexer-failed', async () => {
      const broken = await startFakeTorznabIndexer({ name: 'broken', fail: 'http500' });
      keys.push(broken.apiKey);
      try {
        const indexer = await created({ name: 'Broken', url: broken.url, apiKey: broken.apiKey });

        expectProblem(await post(`/api/v1/indexers/${indexer.id}/test`), 502, 'indexer-failed');
      } finally {
        await broken.close();
      }
    });

    it('answers 404 for an unknown indexer', async () => {
      expectProblem(await post(`/api/v1/indexers/${randomUUID()}/test`), 404, 'indexer-not-found');
    });
  });

  describe('who may', () => {
    it.each([
      ['list', 'get', '/api/v1/indexers'],
      ['read', 'get', `/api/v1/indexers/${randomUUID()}`],
      ['add', 'post', '/api/v1/indexers'],
      ['change', 'patch', `/api/v1/indexers/${randomUUID()}`],
      ['delete', 'delete', `/api/v1/indexers/${randomUUID()}`],
      ['test', 'post', `/api/v1/indexers/${randomUUID()}/test`],
    ] as const)('refuses a user who is not an admin to %s indexers with 403', async (_case, method, path) => {
      const response = await recorded(as(http()[method](path), userToken).send(method === 'post' ? { name: 'x', url: jackett.url, apiKey: 'x' } : undefined));

      expectProblem(response, 403, 'forbidden');
    });
  });

  describe('the audit log', () => {
    it('records each change and test with the indexer id and name, and the outcome of tests', async () => {
      const entries = await app.get(AuditLogRepository).query({ limit: 200 });
      const actions = entries.filter((e) => e.action.startsWith('indexer.'));
      const caps = (await get('/api/v1/indexers')).body.find((i: IndexerDto) => i.name === 'Caps') as IndexerDto;

      expect(actions.map((e) => e.action)).toEqual(expect.arrayContaining(['indexer.created', 'indexer.updated', 'indexer.deleted', 'indexer.tested']));
      expect(actions.every((e) => e.actorUserId === adminId && e.targetType === 'indexer' && typeof e.details['name'] === 'string')).toBe(true);
      expect(actions.find((e) => e.action === 'indexer.tested' && e.targetId === caps.id)).toMatchObject({ outcome: 'ok', details: { name: 'Caps' } });
      expect(actions.filter((e) => e.action === 'indexer.tested' && e.outcome === 'failed').map((e) => e.details['error'])).toEqual(
        expect.arrayContaining(['auth', 'network', 'timeout', 'http']),
      );
      expect(actions.find((e) => e.action === 'indexer.updated' && (e.details['fields'] as string[]).includes('apiKey'))).toBeDefined();
    });
  });

  it('never puts an API key in any response body or audit entry', async () => {
    const audit = JSON.stringify(await app.get(AuditLogRepository).query({ limit: 500 }));
    expect(bodies.length).toBeGreaterThan(20);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      for (const body of bodies) expect(body).not.toContain(key);
      expect(audit).not.toContain(key);
    }
  });
});
