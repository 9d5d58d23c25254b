import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemDetailsFilter, configureGatewayApplication } from '@sokoul/gateway/http';
import { CurrentPrincipal, Public, RequireRole } from './access.decorators';
import { AccessModule } from './access.module';
import type { AccessOptions } from './access.options';
import { AccessTokenService } from './access-token.service';
import type { Principal } from './principal';

const OPTIONS: AccessOptions = { jwtSecret: 'x'.repeat(40), accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' };
const USER_ID = '0d4f7a9c-1b2e-4c3d-8e5f-6a7b8c9d0e1f';
const ADMIN_ID = '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b';

@Controller('things')
class ThingsController {
  @Get('mine')
  mine(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('admin-only')
  @RequireRole('admin')
  adminOnly(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }
}

@Controller('lobby')
@Public()
class LobbyController {
  @Get()
  enter() {
    return { lobby: true };
  }
}

@Controller('admin')
@RequireRole('admin')
class AdminController {
  @Get()
  settings() {
    return { settings: true };
  }
}

/** Outside the /api prefix (configureGatewayApplication excludes it), like the real probes. */
@Controller('health')
class HealthController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

describe('AccessGuard (global, through a Nest app)', () => {
  let app: INestApplication;
  let userToken: string;
  let adminToken: string;
  let otherSecretToken: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AccessModule.forRoot(OPTIONS)],
      controllers: [ThingsController, LobbyController, AdminController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureGatewayApplication(app as NestExpressApplication);
    await app.init();
    const tokens = app.get(AccessTokenService);
    userToken = await tokens.sign(USER_ID, 'user');
    adminToken = await tokens.sign(ADMIN_ID, 'admin');
    otherSecretToken = await new AccessTokenService({ ...OPTIONS, jwtSecret: 'y'.repeat(40) }).sign(ADMIN_ID, 'admin');
  });

  afterAll(() => app.close());

  const http = () => request(app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  function expectUnauthenticated(response: request.Response, instance: string): void {
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer( |$)/);
    expect(response.body).toEqual({
      type: 'https://sokoul.dev/problems/unauthenticated',
      title: 'Authentication required',
      status: 401,
      detail: expect.any(String),
      instance,
    });
  }

  it('answers an /api route without a token with a 401 problem and WWW-Authenticate: Bearer', async () => {
    const response = await http().get('/api/v1/things/mine');

    expectUnauthenticated(response, '/api/v1/things/mine');
  });

  it('lets a valid token through and hands its principal to the route', async () => {
    const response = await http().get('/api/v1/things/mine').set(bearer(userToken));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ principal: { userId: USER_ID, role: 'user' } });
  });

  it.each([
    ['an invalid token', () => 'Bearer not.a.token'],
    ['a token signed with another secret', () => `Bearer ${otherSecretToken}`],
    ['a Basic credential', () => `Basic ${Buffer.from('admin:password').toString('base64')}`],
    ['the token without its scheme', () => userToken],
    ['an empty Bearer', () => 'Bearer '],
    ['a token followed by junk', () => `Bearer ${userToken} extra`],
  ])('answers %s with 401', async (_case, header) => {
    const response = await http().get('/api/v1/things/mine').set('Authorization', header());

    expectUnauthenticated(response, '/api/v1/things/mine');
  });

  it('answers a @Public() route without a token', async () => {
    const response = await http().get('/api/v1/things/open');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ open: true });
  });

  it('answers every route of a @Public() controller without a token', async () => {
    expect((await http().get('/api/v1/lobby')).status).toBe(200);
  });

  it('refuses a @RequireRole("admin") route to a user token with a 403 problem', async () => {
    const response = await http().get('/api/v1/things/admin-only').set(bearer(userToken));

    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'https://sokoul.dev/problems/forbidden', status: 403, instance: '/api/v1/things/admin-only' });
  });

  it('refuses every route of a @RequireRole("admin") controller to a user token', async () => {
    expect((await http().get('/api/v1/admin').set(bearer(userToken))).status).toBe(403);
  });

  it('asks for authentication (401, not 403) on an admin route without a token', async () => {
    expectUnauthenticated(await http().get('/api/v1/admin'), '/api/v1/admin');
  });

  it('lets an admin token through a @RequireRole("admin") route', async () => {
    const response = await http().get('/api/v1/things/admin-only').set(bearer(adminToken));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ principal: { userId: ADMIN_ID, role: 'admin' } });
    expect((await http().get('/api/v1/admin').set(bearer(adminToken))).status).toBe(200);
  });

  it('answers a route outside /api (health) without a token', async () => {
    const response = await http().get('/health/live');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('requires a token on a route requested in another letter case', async () => {
    const response = await http().get('/API/v1/admin');

    expect(response.status).toBe(401);
  });
});
