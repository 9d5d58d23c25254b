import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { AccessModule } from '@sokoul/gateway/access';
import { ProblemDetailsFilter, configureGatewayApplication } from '@sokoul/gateway/http';
import { NotifiedCache, PersistenceModule } from '@sokoul/persistence';
import { RedisModule } from '@sokoul/redis';
import { removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { TokensDto, UserDto } from './auth.dto';
import { AuthModule } from './auth.module';

jest.setTimeout(30_000);

const PASSWORD = 'correct horse battery staple';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_KEYS = ['createdAt', 'disabled', 'email', 'id', 'role', 'username'];

describe('accounts over HTTP (real Postgres)', () => {
  const schema = uniqueNamespace('auth');
  let app: INestApplication;
  /** Every response body this file received: none may carry a password hash (argon2id). */
  const bodies: string[] = [];
  let alice: UserDto;
  let bob: UserDto;
  let aliceToken: string;
  let bobToken: string;

  // ---- HTTP helpers -------------------------------------------------------------------------
  async function recorded(test: request.Test): Promise<request.Response> {
    const response = await test;
    bodies.push(response.text ?? '');
    return response;
  }
  const authorized = (test: request.Test, token?: string) => (token ? test.set('Authorization', `Bearer ${token}`) : test);
  const http = () => request(app.getHttpServer());
  const get = (path: string, token?: string) => recorded(authorized(http().get(path), token));
  const post = (path: string, body: object, token?: string) => recorded(authorized(http().post(path), token).send(body));
  const put = (path: string, body: object, token?: string) => recorded(authorized(http().put(path), token).send(body));
  const patch = (path: string, body: object, token?: string) => recorded(authorized(http().patch(path), token).send(body));

  const register = (username: string, email = `${username.toLowerCase()}@example.test`, password = PASSWORD) =>
    post('/api/v1/auth/register', { username, email, password });
  const login = (loginName: string, password = PASSWORD) => post('/api/v1/auth/login', { login: loginName, password });
  const refresh = (refreshToken: string) => post('/api/v1/auth/refresh', { refreshToken });
  const logout = (refreshToken: string) => post('/api/v1/auth/logout', { refreshToken });

  async function registered(username: string): Promise<UserDto> {
    const response = await register(username);
    expect(response.status).toBe(201);
    return response.body as UserDto;
  }

  async function tokensOf(loginName: string): Promise<TokensDto> {
    const response = await login(loginName);
    expect(response.status).toBe(200);
    return response.body as TokensDto;
  }

  function expectProblem(response: request.Response, status: number, type: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `https://sokoul.dev/problems/${type}`, status });
  }

  // ---- application --------------------------------------------------------------------------
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ url: testEnvironment.TEST_DATABASE_URL, schema, poolSize: 5, applicationName: 'spec', migrateOnStart: true }),
        AccessModule.forRoot({ jwtSecret: 'x'.repeat(40), accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' }),
        RedisModule.forRoot({ url: testEnvironment.REDIS_URL, keyPrefix: schema, connectionName: 'spec' }),
        AuthModule.forRoot({
          refreshTokenTtlSeconds: 3600,
          defaultRegistration: 'open',
          loginFailuresPerAccount: 3,
          loginFailuresPerIp: 1000,
          loginThrottleWindowSeconds: 60,
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureGatewayApplication(app as NestExpressApplication);
    await app.init();

    alice = await registered('Alice');
    bob = await registered('bob');
    aliceToken = (await tokensOf('alice')).accessToken;
    bobToken = (await tokensOf('bob')).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await removeNamespace(schema);
  });

  // ---- registration -------------------------------------------------------------------------
  describe('registration', () => {
    it('makes the first account admin and the next one a user, storing the email in lower case', () => {
      expect(alice).toEqual({
        id: expect.stringMatching(UUID),
        username: 'Alice',
        email: 'alice@example.test',
        role: 'admin',
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(bob).toMatchObject({ username: 'bob', role: 'user', disabled: false });
    });

    it('rejects a role field with 400 (unknown field) and creates no account, let alone an admin', async () => {
      const response = await post('/api/v1/auth/register', { username: 'mallory', email: 'mallory@example.test', password: PASSWORD, role: 'admin' });

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([{ pointer: '/', detail: 'unknown field(s): role' }]);
      expect((await login('mallory')).status).toBe(401);
      const everyone = (await get('/api/v1/users?limit=100', aliceToken)).body.items as UserDto[];
      expect(everyone.map((u) => u.username)).not.toContain('mallory');
      expect(everyone.filter((u) => u.role === 'admin').map((u) => u.username)).toEqual(['Alice']);
    });

    it.each([
      ['username', { username: 'ALICE', email: 'another@example.test' }],
      ['email', { username: 'another', email: 'ALICE@Example.Test' }],
    ])('refuses a %s already taken, whatever its letter case, with 409', async (field, clash) => {
      const response = await post('/api/v1/auth/register', { ...clash, password: PASSWORD });

      expectProblem(response, 409, 'account-exists');
      expect(response.body.detail).toBe(`That ${field} is already taken.`);
      expect((await login('another')).status).toBe(401);
      expect((await login('another@example.test')).status).toBe(401);
    });

    it.each([
      ['a weak (short) password', { username: 'weakling', email: 'weak@example.test', password: 'hunter2' }, '/password'],
      ['a username with spaces', { username: 'bad name', email: 'bad@example.test', password: PASSWORD }, '/username'],
      ['an invalid email', { username: 'noemail', email: 'not-an-email', password: PASSWORD }, '/email'],
      ['a missing password', { username: 'nopass', email: 'nopass@example.test' }, '/password'],
    ])('refuses %s with 400 naming the field', async (_case, body, pointer) => {
      const response = await post('/api/v1/auth/register', body);

      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([expect.objectContaining({ pointer })]);
    });
  });

  // ---- login --------------------------------------------------------------------------------
  describe('login', () => {
    it.each([
      ['username', 'ALICE'],
      ['email', 'Alice@EXAMPLE.test'],
    ])('signs in by %s, case-insensitively, and returns tokens', async (_case, loginName) => {
      const response = await login(loginName);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        expiresIn: 900,
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        refreshExpiresIn: 3600,
      });
      expect(decodeJwt(response.body.accessToken)).toMatchObject({ sub: alice.id, role: 'admin' });
      expect((await get('/api/v1/users/me', response.body.accessToken)).body).toEqual(alice);
    });

    it('answers a wrong password and an unknown user with the same 401 problem', async () => {
      const wrongPassword = await login('alice', 'not the password at all');
      const unknownUser = await login('nobody-here', PASSWORD);

      expectProblem(wrongPassword, 401, 'invalid-credentials');
      expect(unknownUser.status).toBe(401);
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body.accessToken).toBeUndefined();
    });
  });

  // ---- refresh and logout -------------------------------------------------------------------
  describe('refresh tokens', () => {
    it('rotate: each refresh returns a new refresh token and an access token for the same user', async () => {
      const { refreshToken: first } = await tokensOf('bob');

      const second = await refresh(first);
      const third = await refresh(second.body.refreshToken);

      expect(second.status).toBe(200);
      expect(second.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second.body.refreshToken).not.toBe(first);
      expect(third.status).toBe(200);
      expect(third.body.refreshToken).not.toBe(second.body.refreshToken);
      expect((await get('/api/v1/users/me', third.body.accessToken)).body).toMatchObject({ id: bob.id });
    });

    it('refuse a spent token, and its reuse revokes the successor too (family revocation)', async () => {
      const { refreshToken: spent } = await tokensOf('bob');
      const { refreshToken: otherSession } = await tokensOf('bob');
      const successor = (await refresh(spent)).body.refreshToken as string;

      const reuse = await refresh(spent);

      expectProblem(reuse, 401, 'invalid-refresh-token');
      expect(reuse.body.detail).toMatch(/already used/);
      expectProblem(await refresh(successor), 401, 'invalid-refresh-token');
      // Another login of the same user is another family: untouched.
      expect((await refresh(otherSession)).status).toBe(200);
    });

    it('refuse an unknown token with 401 and a malformed one with 400', async () => {
      expectProblem(await refresh('A'.repeat(43)), 401, 'invalid-refresh-token');
      expectProblem(await refresh('not a token'), 400, 'validation');
    });

    it('logout revokes the whole family of the token and answers 204 even for an unknown token', async () => {
      const { refreshToken: first } = await tokensOf('bob');
      const second = (await refresh(first)).body.refreshToken as string;

      const response = await logout(second);

      expect(response.status).toBe(204);
      expectProblem(await refresh(second), 401, 'invalid-refresh-token');
      expectProblem(await refresh(first), 401, 'invalid-refresh-token');
      expect((await logout('B'.repeat(43))).status).toBe(204);
    });
  });

  // ---- the current user ---------------------------------------------------------------------
  describe('GET /users/me', () => {
    it('returns the caller', async () => {
      const response = await get('/api/v1/users/me', bobToken);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(bob);
      expect(Object.keys(response.body).sort()).toEqual(USER_KEYS);
    });

    it('asks for a token with 401 and WWW-Authenticate: Bearer', async () => {
      const response = await get('/api/v1/users/me');

      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer( |$)/);
    });
  });

  // ---- administration -----------------------------------------------------------------------
  describe('administration', () => {
    let carol: UserDto;
    let dave: UserDto;

    beforeAll(async () => {
      carol = await registered('carol');
      dave = await registered('dave');
    });

    it('lists users a page at a time with a cursor', async () => {
      const all = (await get('/api/v1/users?limit=100', aliceToken)).body as { items: UserDto[]; nextCursor: string | null };
      expect(all.nextCursor).toBeNull();
      expect(all.items.length).toBeGreaterThanOrEqual(4);

      const walked: UserDto[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/api/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`, aliceToken);
        expect(page.status).toBe(200);
        expect(page.body.items).toHaveLength(1);
        walked.push(...page.body.items);
        cursor = page.body.nextCursor;
        if (cursor) expect(cursor).toBe(page.body.items[0].id);
      } while (cursor);

      expect(walked).toEqual(all.items);
      expect(all.items.map((u) => u.username)).toEqual(expect.arrayContaining(['Alice', 'bob', 'carol', 'dave']));
      for (const user of all.items) expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    });

    it.each([
      ['an out-of-range limit', 'limit=0'],
      ['a cursor that is not a user id', 'cursor=nope'],
      ['an unknown parameter', 'offset=3'],
    ])('refuses %s with 400', async (_case, query) => {
      expectProblem(await get(`/api/v1/users?${query}`, aliceToken), 400, 'validation');
    });

    it('refuses the user directory and the settings to a non-admin with 403', async () => {
      expectProblem(await get('/api/v1/users', bobToken), 403, 'forbidden');
      expectProblem(await patch(`/api/v1/users/${bob.id}`, { role: 'admin' }, bobToken), 403, 'forbidden');
      expectProblem(await get('/api/v1/admin/settings', bobToken), 403, 'forbidden');
      expectProblem(await put('/api/v1/admin/settings', { registration: 'closed' }, bobToken), 403, 'forbidden');
      expect((await get('/api/v1/users/me', bobToken)).body.role).toBe('user');
    });

    it('promotes a user to admin (who then gets admin tokens) and demotes them again', async () => {
      const promoted = await patch(`/api/v1/users/${carol.id}`, { role: 'admin' }, aliceToken);

      expect(promoted.status).toBe(200);
      expect(promoted.body).toEqual({ ...carol, role: 'admin' });
      const carolToken = (await tokensOf('carol')).accessToken;
      expect((await get('/api/v1/users', carolToken)).status).toBe(200);

      const demoted = await patch(`/api/v1/users/${carol.id}`, { role: 'user' }, aliceToken);
      expect(demoted.body).toEqual(carol);
      expectProblem(await get('/api/v1/users', (await tokensOf('carol')).accessToken), 403, 'forbidden');
    });

    it('disables a user, who can then neither sign in nor refresh, and enables them again', async () => {
      const { refreshToken } = await tokensOf('dave');
      const wrongPassword = await login('dave', 'not the password at all');

      const disabled = await patch(`/api/v1/users/${dave.id}`, { disabled: true }, aliceToken);

      expect(disabled.status).toBe(200);
      expect(disabled.body).toEqual({ ...dave, disabled: true });
      const refused = await login('dave');
      expectProblem(refused, 401, 'invalid-credentials');
      expect(refused.body).toEqual(wrongPassword.body);
      expectProblem(await refresh(refreshToken), 401, 'invalid-refresh-token');

      const enabled = await patch(`/api/v1/users/${dave.id}`, { disabled: false }, aliceToken);
      expect(enabled.body).toEqual(dave);
      expect((await login('dave')).status).toBe(200);
    });

    it('refuses to let the last admin demote or disable themselves (409)', async () => {
      expectProblem(await patch(`/api/v1/users/${alice.id}`, { role: 'user' }, aliceToken), 409, 'last-admin');
      expectProblem(await patch(`/api/v1/users/${alice.id}`, { disabled: true }, aliceToken), 409, 'last-admin');

      expect((await get('/api/v1/users/me', aliceToken)).body).toEqual(alice);
      expect((await login('alice')).status).toBe(200);
    });

    it('answers 404 for an unknown user and 400 for an empty or invalid change', async () => {
      expectProblem(await patch('/api/v1/users/00000000-0000-4000-8000-000000000000', { role: 'admin' }, aliceToken), 404, 'user-not-found');
      expectProblem(await patch(`/api/v1/users/${bob.id}`, {}, aliceToken), 400, 'validation');
      expectProblem(await patch(`/api/v1/users/${bob.id}`, { role: 'root' }, aliceToken), 400, 'validation');
      expectProblem(await patch(`/api/v1/users/${bob.id}`, { passwordHash: 'x' }, aliceToken), 400, 'validation');
      expectProblem(await patch('/api/v1/users/not-a-uuid', { role: 'user' }, aliceToken), 400, 'validation');
    });

    it('closes registration (new accounts get 403) and opens it again', async () => {
      expect((await get('/api/v1/admin/settings', aliceToken)).body).toEqual({ registration: 'open' });

      const closed = await put('/api/v1/admin/settings', { registration: 'closed' }, aliceToken);

      expect(closed.status).toBe(200);
      expect(closed.body).toEqual({ registration: 'closed' });
      expect((await get('/api/v1/admin/settings', aliceToken)).body).toEqual({ registration: 'closed' });
      expectProblem(await register('erin'), 403, 'registration-closed');
      expect((await login('erin')).status).toBe(401);

      expect((await put('/api/v1/admin/settings', { registration: 'open' }, aliceToken)).body).toEqual({ registration: 'open' });
      expect((await register('erin')).body).toMatchObject({ username: 'erin', role: 'user' });
    });

    it('refuses an unknown registration mode with 400', async () => {
      expectProblem(await put('/api/v1/admin/settings', { registration: 'sometimes' }, aliceToken), 400, 'validation');
    });
  });

  describe('registration by invite', () => {
    const del = (path: string, token: string) => recorded(authorized(http().delete(path), token));
    const registerWith = (username: string, inviteCode?: string, email = `${username.toLowerCase()}@example.test`) =>
      post('/api/v1/auth/register', { username, email, password: PASSWORD, ...(inviteCode ? { inviteCode } : {}) });
    const invite = async (body: object = {}) => {
      const response = await post('/api/v1/admin/invites', body, aliceToken);
      expect(response.status).toBe(201);
      return response.body as { id: string; code: string; status: string; email: string | null };
    };

    beforeAll(async () => {
      expect((await put('/api/v1/admin/settings', { registration: 'invite' }, aliceToken)).body).toEqual({ registration: 'invite' });
    });
    afterAll(async () => {
      await put('/api/v1/admin/settings', { registration: 'open' }, aliceToken);
    });

    it('refuses a registration without an invite code', async () => {
      expectProblem(await registerWith('uninvited'), 403, 'invite-required');
    });

    it('lets an invite code create exactly one account, with the user role', async () => {
      const { code, status } = await invite();
      expect(status).toBe('pending');
      expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);

      const attempts = await Promise.all(['guest1', 'guest2', 'guest3'].map((name) => registerWith(name, code)));

      expect(attempts.map((r) => r.status).sort()).toEqual([201, 403, 403]);
      expect(attempts.find((r) => r.status === 201)?.body.role).toBe('user');
      expectProblem(await registerWith('guest4', code), 403, 'invalid-invite');
    });

    it('binds an invite to its email when the admin gave one', async () => {
      const { code } = await invite({ email: 'Invited.Carol@Example.test' });
      expectProblem(await registerWith('mallory', code, 'mallory@example.test'), 403, 'invalid-invite');
      expect((await registerWith('invited.carol', code, 'invited.carol@example.test')).status).toBe(201);
    });

    it('stops a revoked invite from working, and answers 404 for revoking it twice', async () => {
      const { id, code } = await invite();
      expect((await del(`/api/v1/admin/invites/${id}`, aliceToken)).status).toBe(204);
      expectProblem(await del(`/api/v1/admin/invites/${id}`, aliceToken), 404, 'invite-not-found');
      expectProblem(await registerWith('latecomer', code), 403, 'invalid-invite');
    });

    it('lists invites newest first with their status, never their code, a page at a time', async () => {
      const { id, code } = await invite({ expiresInHours: 1 });
      const first = await get('/api/v1/admin/invites?limit=1', aliceToken);
      expect(first.body.items).toEqual([expect.objectContaining({ id, status: 'pending', usedAt: null })]);
      expect(first.text).not.toContain(code);
      const second = await get(`/api/v1/admin/invites?limit=50&cursor=${first.body.nextCursor}`, aliceToken);
      expect(second.body.items.map((i: { status: string }) => i.status)).toEqual(expect.arrayContaining(['used', 'revoked']));
      expect(second.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    });

    it('is for admins only, and validates what it is given', async () => {
      expectProblem(await post('/api/v1/admin/invites', {}, bobToken), 403, 'forbidden');
      expectProblem(await post('/api/v1/admin/invites', { expiresInHours: 0 }, aliceToken), 400, 'validation');
      expectProblem(await post('/api/v1/admin/invites', { role: 'admin' }, aliceToken), 400, 'validation');
      expectProblem(await registerWith('shape', 'short'), 400, 'validation');
    });
  });

  // Last on purpose: it checks everything the tests above received.
  describe('API keys', () => {
    const del = (path: string, token: string) => recorded(authorized(http().delete(path), token));
    const withKey = (test: request.Test, key: string) => recorded(test.set('X-Api-Key', key));

    it('shows a new key once, lists it by prefix only, and lets it act for its owner', async () => {
      const created = await post('/api/v1/api-keys', { name: 'sonarr bridge', scopes: ['read'] }, bobToken);
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      expect(created.body.prefix).toBe(created.body.key.slice(0, 10));

      const listed = await get('/api/v1/api-keys', bobToken);
      expect(listed.body).toEqual([expect.objectContaining({ id: created.body.id, name: 'sonarr bridge', scopes: ['read'] })]);
      expect(listed.text).not.toContain(created.body.key);

      const me = await withKey(http().get('/api/v1/users/me'), created.body.key);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(bob.id);
    });

    it('keeps a read key from changing anything, minting keys included', async () => {
      const { body } = await post('/api/v1/api-keys', { name: 'read only', scopes: ['read'] }, bobToken);
      const mint = await withKey(http().post('/api/v1/api-keys').send({ name: 'child', scopes: ['read'] }), body.key);
      expectProblem(mint, 403, 'insufficient-scope');
    });

    it('never lets a key mint another key, whatever its scopes', async () => {
      const { body } = await post('/api/v1/api-keys', { name: 'writer', scopes: ['write'] }, bobToken);
      const mint = await withKey(http().post('/api/v1/api-keys').send({ name: 'child', scopes: ['read'] }), body.key);
      expectProblem(mint, 403, 'session-required');
    });

    it('gives the admin scope to admins only, and admin routes to admin-scoped keys only', async () => {
      expectProblem(await post('/api/v1/api-keys', { name: 'nope', scopes: ['admin'] }, bobToken), 403, 'forbidden');
      const readKey = (await post('/api/v1/api-keys', { name: 'admin read', scopes: ['read'] }, aliceToken)).body.key;
      const adminKey = (await post('/api/v1/api-keys', { name: 'admin all', scopes: ['read', 'admin'] }, aliceToken)).body.key;
      expectProblem(await withKey(http().get('/api/v1/users'), readKey), 403, 'insufficient-scope');
      expect((await withKey(http().get('/api/v1/users'), adminKey)).status).toBe(200);
    });

    /** Postgres's announcements of changes, unheard: what stops a key then is this gateway dropping it itself. */
    const withAnnouncementsUnheard = () => jest.spyOn(NotifiedCache.prototype as unknown as { changed: (payload: string) => void }, 'changed').mockImplementation(() => undefined);

    it("revokes a key (it stops working at once, on this gateway without waiting for Postgres's announcement) and answers 404 for someone else's key", async () => {
      const { body } = await post('/api/v1/api-keys', { name: 'short lived', scopes: ['read'] }, bobToken);
      expect((await del(`/api/v1/api-keys/${body.id}`, aliceToken)).status).toBe(404);
      expect((await withKey(http().get('/api/v1/users/me'), body.key)).status).toBe(200);
      const unheard = withAnnouncementsUnheard();

      expect((await del(`/api/v1/api-keys/${body.id}`, bobToken)).status).toBe(204);

      expectProblem(await withKey(http().get('/api/v1/users/me'), body.key), 401, 'unauthenticated');
      unheard.mockRestore();
      expect((await get('/api/v1/api-keys', bobToken)).body.map((k: { id: string }) => k.id)).not.toContain(body.id);
    });

    it("stops a disabled user's keys at once, on this gateway without waiting for Postgres's announcement", async () => {
      const { body } = await post('/api/v1/api-keys', { name: 'until disabled', scopes: ['read'] }, bobToken);
      expect((await withKey(http().get('/api/v1/users/me'), body.key)).status).toBe(200);
      const unheard = withAnnouncementsUnheard();

      expect((await patch(`/api/v1/users/${bob.id}`, { disabled: true }, aliceToken)).status).toBe(200);

      expectProblem(await withKey(http().get('/api/v1/users/me'), body.key), 401, 'unauthenticated');
      unheard.mockRestore();
      expect((await patch(`/api/v1/users/${bob.id}`, { disabled: false }, aliceToken)).status).toBe(200);
      expect((await withKey(http().get('/api/v1/users/me'), body.key)).status).toBe(200);
    });

    it('refuses an unknown or malformed key with 401', async () => {
      expectProblem(await withKey(http().get('/api/v1/users/me'), `sk_${'A'.repeat(43)}`), 401, 'unauthenticated');
      expectProblem(await withKey(http().get('/api/v1/users/me'), "sk_' OR 1=1 --"), 401, 'unauthenticated');
    });
  });

  describe('login throttling', () => {
    it('refuses an account with 429 and Retry-After after 3 failed logins, even with the right password', async () => {
      await registered('Trudy');
      for (let attempt = 0; attempt < 3; attempt++) expect((await login('trudy', 'wrong password!')).status).toBe(401);

      const blocked = await login('Trudy');

      expectProblem(blocked, 429, 'rate-limited');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    });

    it('counts failures per account: another account still signs in', async () => {
      expect((await login('alice')).status).toBe(200);
    });
  });

  describe('audit log', () => {
    interface Entry {
      id: string;
      action: string;
      outcome: string;
      actorUserId: string | null;
      ip: string | null;
      userAgent: string | null;
      details: Record<string, unknown>;
    }

    it('records failed and successful logins with where they came from, for admins to query', async () => {
      await recorded(http().post('/api/v1/auth/login').set('User-Agent', 'audit-spec').send({ login: 'bob', password: 'not the password' }));
      await recorded(http().post('/api/v1/auth/login').set('User-Agent', 'audit-spec').send({ login: 'bob', password: PASSWORD }));

      const page = await get('/api/v1/admin/audit-log?action=auth.login&limit=2', aliceToken);

      expect(page.status).toBe(200);
      const [latest, previous] = page.body.items as Entry[];
      expect(latest).toMatchObject({ action: 'auth.login', outcome: 'ok', actorUserId: bob.id, userAgent: 'audit-spec' });
      expect(previous).toMatchObject({ action: 'auth.login', outcome: 'failed', actorUserId: bob.id, details: { login: 'bob', reason: 'wrong password' } });
      expect(latest.ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(page.body)).not.toContain('not the password');
    });

    it('records key creation, role changes and settings changes, filterable by actor', async () => {
      const key = await post('/api/v1/api-keys', { name: 'audited', scopes: ['read'] }, bobToken);
      const byBob = await get(`/api/v1/admin/audit-log?actor=${bob.id}&action=api_key.created&limit=1`, aliceToken);
      expect(byBob.body.items[0]).toMatchObject({ action: 'api_key.created', target: { type: 'api_key', id: key.body.id } });
      expect(JSON.stringify(byBob.body)).not.toContain(key.body.key);
      expect((await get('/api/v1/admin/audit-log?action=user.registered', aliceToken)).body.items.length).toBeGreaterThan(0);
    });

    it('pages with nextCursor, newest first', async () => {
      const first = await get('/api/v1/admin/audit-log?limit=1', aliceToken);
      const second = await get(`/api/v1/admin/audit-log?limit=1&before=${first.body.nextCursor}`, aliceToken);
      expect(first.body.nextCursor).toBe(first.body.items[0].id);
      expect(BigInt(second.body.items[0].id)).toBeLessThan(BigInt(first.body.items[0].id));
    });

    it('is for admins only', async () => {
      expectProblem(await get('/api/v1/admin/audit-log', bobToken), 403, 'forbidden');
    });
  });

  it('never returns a password hash in any response', () => {
    expect(bodies.length).toBeGreaterThan(50);
    for (const body of bodies) expect(body).not.toMatch(/argon2/i);
  });
});
