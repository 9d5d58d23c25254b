import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ServiceProcess, namespaceEnv, type Account, getJson, postJson, signUp, TestStack } from '@sokoul/testing';

/**
 * The gateway's security suite: real HTTP against the built gateway, run as a process. What
 * an attacker can send is sent; nothing may answer 5xx, leak across users, or reach the logs.
 */

const OPENAPI = JSON.parse(readFileSync(join(__dirname, '../../../docs/api/openapi.json'), 'utf8')) as OpenApi;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> }; parameters?: Parameter[]; description?: string; security?: unknown[] }>>;
}
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  schema: JsonSchema;
}
interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  minimum?: number;
}
interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** Deterministic, so a failure names a request that can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value the schema accepts, to mutate one field at a time. */
function validSample(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, validSample(schema.properties?.[key] ?? {})]));
    case 'array':
      return [validSample(schema.items ?? {})];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    default:
      if (schema.format === 'email') return 'fuzz@example.test';
      if (schema.format === 'uuid') return UNKNOWN_ID;
      return 'fuzz-value-1234';
  }
}

const HOSTILE_VALUES: unknown[] = [
  null,
  -1,
  0,
  1e308,
  true,
  'x'.repeat(20_000),
  '',
  ' ',
  'nul\u0000byte',
  '💥🎬 ﷽ \u202e reversed',
  "' OR 1=1; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '${jndi:ldap://x}',
  '\ud800',
  { nested: { deeper: [1, 2, 3] } },
  [1, 'two', null],
  ['read', 'read', 'admin', 'root'],
];
const HOSTILE_SEGMENTS = ['not-a-uuid', UNKNOWN_ID, '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000), '%F0%9F%92%A5', "1'%20OR%20'1'='1", '%E0%A4%A'];
const HOSTILE_QUERY = ['-1', 'abc', '1e309', 'x'.repeat(3000), '%00', '%5B%5D', '%F0%9F%92%A5', '', 'null'];

describe('gateway security suite (real HTTP, built gateway)', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let admin: Account;
  let alice: Account;
  let bob: Account;
  /** Every credential this file handled: none may appear in any log line of the gateway. */
  const secrets: string[] = [];
  const jwtSecret = () => namespaceEnv(stack.namespace).AUTH_JWT_SECRET;
  const url = (path: string) => `${gateway.url}${path}`;

  async function call(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const response = await fetch(url(path), {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body,
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  function expectProblem(answer: Answer, status: number): void {
    expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  }

  beforeAll(async () => {
    stack = await TestStack.create('security');
    gateway = await stack.start('gateway', {
      // Generous limits: the suite measures validation and authorization, not its own request rate.
      RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
      LOGIN_MAX_FAILURES_PER_IP: '100000',
    });
    admin = await signUp(gateway.url, 'root-admin');
    alice = await signUp(gateway.url, 'alice');
    bob = await signUp(gateway.url, 'bob');
    secrets.push(admin.accessToken, alice.accessToken, bob.accessToken, ...['root-admin', 'alice', 'bob'].map((u) => `correct horse battery ${u}`));
  });

  afterAll(async () => {
    await stack?.destroy();
  });

  describe('access tokens', () => {
    const claims = () => ({ role: 'admin' });
    const signed = (options: { secret?: string; issuer?: string; audience?: string; expiresAt?: number; alg?: string } = {}) =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
        .setSubject(admin.userId)
        .setIssuer(options.issuer ?? 'sokoul')
        .setAudience(options.audience ?? 'sokoul-api')
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? '5m')
        .sign(new TextEncoder().encode(options.secret ?? jwtSecret()));
    const me = (token: string) => call('GET', '/api/v1/users/me', { token });

    it('accepts a token shaped exactly like the ones it issues (the control for the cases below)', async () => {
      expect((await me(await signed())).status).toBe(200);
    });

    it.each([
      ['signed with another secret (forged)', () => signed({ secret: 'an-attacker-secret-that-is-long-enough-1234' })],
      ['expired', () => signed({ expiresAt: Math.floor(Date.now() / 1000) - 60 })],
      ['for another audience', () => signed({ audience: 'some-other-api' })],
      ['from another issuer', () => signed({ issuer: 'evil' })],
      ['signed with HS512 instead of the pinned HS256', () => signed({ alg: 'HS512' })],
      ['unsigned (alg: none)', async () => new UnsecuredJWT(claims()).setSubject(admin.userId).setIssuer('sokoul').setAudience('sokoul-api').setIssuedAt().setExpirationTime('5m').encode()],
      ['with a tampered payload', async () => {
        const [header, , signature] = (await signed()).split('.');
        const payload = Buffer.from(JSON.stringify({ sub: alice.userId, role: 'admin', iss: 'sokoul', aud: 'sokoul-api', iat: 1, exp: 4102444800 })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      }],
      ['that is not a JWT at all', async () => 'definitely.not.a-jwt'],
    ])('refuses a token %s with 401', async (_label, make) => {
      const answer = await me(await make());
      expectProblem(answer, 401);
    });

    it.each([
      ['a bare scheme', 'Bearer'],
      ['an empty token', 'Bearer '],
      ['an 8 kB token', `Bearer ${'x'.repeat(8000)}`],
      ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
      ['a non-breaking space', 'bearer\u00a0token'],
    ])('refuses an Authorization header with %s with 401, never 5xx', async (_label, header) => {
      const answer = await call('GET', '/api/v1/users/me', { headers: { authorization: header } });
      expect(answer.status).toBe(401);
    });

    it('refuses garbage API keys with 401', async () => {
      for (const key of ['sk_', `sk_${'A'.repeat(43)}`, "' OR 1=1 --", 'x'.repeat(8000)]) {
        expect((await call('GET', '/api/v1/users/me', { headers: { 'x-api-key': key } })).status).toBe(401);
      }
    });
  });

  describe('refresh tokens', () => {
    it('revokes the whole family when a spent refresh token is presented again', async () => {
      const login = await postJson<{ refreshToken: string; accessToken: string }>(url('/api/v1/auth/login'), { login: 'alice', password: 'correct horse battery alice' });
      const first = login.body.refreshToken;
      const rotated = await postJson<{ refreshToken: string; accessToken: string }>(url('/api/v1/auth/refresh'), { refreshToken: first });
      expect(rotated.status).toBe(200);
      secrets.push(first, rotated.body.refreshToken, rotated.body.accessToken, login.body.accessToken);

      expect((await postJson(url('/api/v1/auth/refresh'), { refreshToken: first })).status).toBe(401);
      expect((await postJson(url('/api/v1/auth/refresh'), { refreshToken: rotated.body.refreshToken })).status).toBe(401);
    });
  });

  describe('object-level authorization', () => {
    /**
     * For every route with an `{id}`: how to make an object of Alice's (or an admin's) it
     * addresses, and, where Bob may use the route, what he gets by verb (`bob`).
     */
    const aliceSearch = async () => (await postJson<{ id: string }>(url('/api/v1/searches'), { query: 'Alice private search' }, alice.accessToken)).body.id;
    const createdByAdmin = async (path: string, body: object) => {
      const created = await postJson<{ id: string }>(url(path), body, admin.accessToken);
      if (created.status !== 201) throw new Error(`POST ${path}: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.id;
    };
    const adminIndexer = async () => {
      const apiKey = `e2e-indexer-key-${Math.random().toString(36).slice(2)}`;
      secrets.push(apiKey);
      return createdByAdmin('/api/v1/indexers', { name: `indexer ${Math.random().toString(36).slice(2)}`, url: 'http://127.0.0.1:9/api', apiKey });
    };
    const adminQualityProfile = async () =>
      createdByAdmin('/api/v1/quality-profiles', { name: `profile ${Math.random().toString(36).slice(2)}`, rules: { qualities: ['WEBDL-1080p'], cutoff: 'WEBDL-1080p' } });
    /** An admin's magnet download (a random info-hash: no hunter runs here, it just stays queued). */
    const adminDownload = async () => {
      const infoHash = [...Array(40)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
      return createdByAdmin('/api/v1/downloads', { magnet: `magnet:?xt=urn:btih:${infoHash}&dn=Admin.Private.Film.1927` });
    };
    /** A library file of Alice's: only a hunter files them, so the row is written as a hunter would. */
    const aliceLibraryFile = async () => {
      const id = randomUUID();
      await stack.db.query(`INSERT INTO library_files (id, user_id, relative_path, size_bytes, sha256, import_method) VALUES ($1, $2, $3, 1, $4, 'copy')`, [
        id,
        alice.userId,
        `Alice Film (2001)/Alice Film (2001) ${id}.mkv`,
        'a'.repeat(64),
      ]);
      return id;
    };
    const owned: Record<string, (() => Promise<string>) & { bob?: Record<string, number> }> = {
      '/api/v1/downloads/{id}': adminDownload,
      '/api/v1/downloads/{id}/pause': adminDownload,
      '/api/v1/downloads/{id}/resume': adminDownload,
      '/api/v1/downloads/{id}/cancel': adminDownload,
      '/api/v1/downloads/{id}/files/{index}/stream': adminDownload,
      '/api/v1/library/{id}': aliceLibraryFile,
      '/api/v1/library/{id}/stream': aliceLibraryFile,
      '/api/v1/searches/{id}': aliceSearch,
      '/api/v1/searches/{id}/releases': aliceSearch,
      '/api/v1/indexers/{id}': adminIndexer,
      '/api/v1/indexers/{id}/test': adminIndexer,
      // Every signed-in user reads quality profiles; only admins change them.
      '/api/v1/quality-profiles/{id}': Object.assign(adminQualityProfile, { bob: { get: 200 } }),
      '/api/v1/api-keys/{id}': async () => {
        const created = await postJson<{ id: string; key: string }>(url('/api/v1/api-keys'), { name: 'alice key', scopes: ['read'] }, alice.accessToken);
        secrets.push(created.body.key);
        return created.body.id;
      },
      '/api/v1/users/{id}': async () => alice.userId,
      '/api/v1/admin/invites/{id}': async () => (await postJson<{ id: string; code: string }>(url('/api/v1/admin/invites'), {}, admin.accessToken)).body.id,
      // A title of its own each time: the same one twice on Alice's list is a 409.
      '/api/v1/watchlist/{id}': async () => {
        const created = await postJson<{ id: string }>(url('/api/v1/watchlist'), { kind: 'movie', tmdbId: 1 + Math.floor(Math.random() * 2_000_000_000), title: 'Alice private film' }, alice.accessToken);
        if (created.status !== 201) throw new Error(`POST /api/v1/watchlist: ${created.status} ${JSON.stringify(created.body)}`);
        return created.body.id;
      },
    };
    const objectRoutes = Object.entries(OPENAPI.paths)
      .filter(([path]) => path.includes('{id}'))
      .flatMap(([path, verbs]) => Object.entries(verbs).map(([verb, op]) => ({ path, verb, adminOnly: /admin role/.test(op.description ?? ''), body: op.requestBody })));

    it('knows how to make an object for every route that addresses one (a new resource must be added here)', () => {
      expect(objectRoutes.length).toBeGreaterThan(0);
      for (const route of objectRoutes) expect(Object.keys(owned)).toContain(route.path);
    });

    it("answers Bob 404 on each of Alice's objects (403 on admin routes), and leaves them untouched", async () => {
      for (const route of objectRoutes) {
        const id = await owned[route.path]();
        const body = route.body ? JSON.stringify(validSample(Object.values(route.body.content)[0].schema)) : undefined;
        const answer = await call(route.verb.toUpperCase(), route.path.replace('{id}', id).replace('{index}', '0'), { token: bob.accessToken, body });
        expect({ route: `${route.verb} ${route.path}`, status: answer.status }).toEqual({ route: `${route.verb} ${route.path}`, status: owned[route.path].bob?.[route.verb] ?? (route.adminOnly ? 403 : 404) });
      }
      expect((await getJson(url('/api/v1/users/me'), alice.accessToken)).status).toBe(200);
    });

    it("never lists Alice's searches to Bob, and lists everyone's to an admin", async () => {
      const id = await owned['/api/v1/searches/{id}']();
      const bobs = await getJson<{ items: Array<{ id: string }> }>(url('/api/v1/searches?limit=100'), bob.accessToken);
      const admins = await getJson<{ items: Array<{ id: string }> }>(url('/api/v1/searches?limit=100'), admin.accessToken);
      expect(bobs.body.items.map((s) => s.id)).not.toContain(id);
      expect(admins.body.items.map((s) => s.id)).toContain(id);
    });
  });

  describe('hostile input', () => {
    it('refuses a role smuggled into registration, and creates no account', async () => {
      const answer = await call('POST', '/api/v1/auth/register', { body: JSON.stringify({ username: 'mallory', email: 'mallory@example.test', password: 'correct horse battery', role: 'admin' }) });
      expectProblem(answer, 400);
      expect((await postJson(url('/api/v1/auth/login'), { login: 'mallory', password: 'correct horse battery' })).status).toBe(401);
    });

    it('stores SQL- and script-shaped text as plain data and returns it inert, as JSON', async () => {
      for (const query of ["Robert'); DROP TABLE searches;--", '<img src=x onerror=alert(1)>', '" OR ""="', '{{7*7}} ${7*7}']) {
        const created = await postJson<{ id: string }>(url('/api/v1/searches'), { query }, alice.accessToken);
        expect(created.status).toBe(202);
        const read = await call('GET', `/api/v1/searches/${created.body.id}`, { token: alice.accessToken });
        expect(read.headers.get('content-type')).toMatch(/^application\/json/);
        expect(read.headers.get('x-content-type-options')).toBe('nosniff');
        expect(JSON.parse(read.text).query).toBe(query);
      }
      expect((await getJson(url('/api/v1/searches?limit=1'), alice.accessToken)).status).toBe(200);
    });

    it('answers an oversized body with 413 and a malformed one with 400, as problems', async () => {
      expectProblem(await call('POST', '/api/v1/searches', { token: alice.accessToken, body: JSON.stringify({ query: 'x'.repeat(70 * 1024) }) }), 413);
      expectProblem(await call('POST', '/api/v1/searches', { token: alice.accessToken, body: '{"query": "unterminated' }), 400);
      expectProblem(await call('POST', '/api/v1/searches', { token: alice.accessToken, body: '[]' }), 400);
      const text = await call('POST', '/api/v1/searches', { token: alice.accessToken, body: 'query=dune', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBeGreaterThanOrEqual(400);
      expect(text.status).toBeLessThan(500);
    });

    it('never answers 5xx to a generated fuzz of every endpoint (wrong types, missing fields, huge strings, unicode)', async () => {
      const random = prng(20261124);
      const failures: string[] = [];
      let sent = 0;
      for (const [path, verbs] of Object.entries(OPENAPI.paths)) {
        for (const [verb, op] of Object.entries(verbs)) {
          const schema = op.requestBody ? Object.values(op.requestBody.content)[0].schema : undefined;
          const base = schema ? (validSample(schema) as Record<string, unknown>) : undefined;
          const bodies: Array<string | undefined> = schema
            ? [
                '{}',
                'null',
                '"a string"',
                '12',
                JSON.stringify({ ...base, unexpected: true }),
                ...Object.keys(schema.properties ?? {}).flatMap((key) => [
                  JSON.stringify(Object.fromEntries(Object.entries(base ?? {}).filter(([k]) => k !== key))),
                  ...HOSTILE_VALUES.map((value) => JSON.stringify({ ...base, [key]: value })),
                ]),
              ]
            : [undefined];
          const segments = path.includes('{') ? HOSTILE_SEGMENTS : [''];
          const queries = (op.parameters ?? []).filter((p) => p.in === 'query').flatMap((p) => HOSTILE_QUERY.map((v) => `${p.name}=${v}`));
          for (const body of bodies) {
            for (const token of [admin.accessToken, bob.accessToken, undefined]) {
              const segment = segments[Math.floor(random() * segments.length)];
              const query = queries.length > 0 ? `?${queries[Math.floor(random() * queries.length)]}` : '';
              const target = `${path.replace(/\{[^}]+\}/g, segment)}${query}`;
              const answer = await call(verb.toUpperCase(), target, { token, body });
              sent++;
              if (answer.status >= 500) failures.push(`${verb.toUpperCase()} ${target.slice(0, 120)} ${body?.slice(0, 120)} → ${answer.status} ${answer.text.slice(0, 200)}`);
            }
          }
          for (const query of queries) {
            const answer = await call(verb.toUpperCase(), `${path.replace(/\{[^}]+\}/g, UNKNOWN_ID)}?${query}`, { token: admin.accessToken, body: schema ? JSON.stringify(base) : undefined });
            sent++;
            if (answer.status >= 500) failures.push(`${verb.toUpperCase()} ${path}?${query.slice(0, 100)} → ${answer.status} ${answer.text.slice(0, 200)}`);
          }
        }
      }
      expect(sent).toBeGreaterThan(500);
      expect(failures).toEqual([]);
    });
  });

  describe('rate limits', () => {
    it('trip with 429 and Retry-After, counted across replicas', async () => {
      const strict = { RATE_LIMIT_PER_USER_PER_MINUTE: '5', RATE_LIMIT_PER_IP_PER_MINUTE: '5' };
      const replicas = [await stack.start('gateway', strict), await stack.start('gateway', strict)];
      const carol = await signUp(gateway.url, 'carol');
      secrets.push(carol.accessToken);
      const answers: Response[] = [];
      for (let i = 0; i < 8; i++) {
        const replica = replicas[i % 2];
        answers.push(await fetch(`${replica.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${carol.accessToken}` } }));
      }
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect(answers[4].headers.get('ratelimit-remaining')).toBe('0');
      const limited = answers[7];
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  describe('the API reference', () => {
    it('serves the committed OpenAPI document at /docs/openapi.json and a self-contained Swagger UI at /docs/', async () => {
      const document = await getJson(url('/docs/openapi.json'));
      expect(document.body).toEqual(OPENAPI);
      const page = await call('GET', '/docs/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('swagger-ui-bundle.js');
      expect((await call('GET', '/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
      expect((await fetch(url('/docs'), { redirect: 'manual' })).headers.get('location')).toBe('/docs/');
    });
  });

  it('never writes a password, token, refresh token or API key to any log line', () => {
    const logged = stack.services.flatMap((service) => [...service.logs.map((line) => JSON.stringify(line)), ...service.stderr]).join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(logged.includes(secret)).toBe(false);
  });
});
