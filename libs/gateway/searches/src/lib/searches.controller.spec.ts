import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AccessModule, AccessTokenService } from '@sokoul/gateway/access';
import {
  IdempotencyInterceptor,
  ProblemDetailsFilter,
  ProblemException,
  ServiceUnavailableProblem,
  configureGatewayApplication,
} from '@sokoul/gateway/http';
import { ParseController } from './parse.controller';
import { SearchesController } from './searches.controller';
import { SearchesService } from './searches.service';

const SEARCH = {
  id: '6f1c1e7a-3c55-4f7e-9a55-0d7c1b0f2a11',
  query: 'Dune 2021',
  status: 'queued',
  releaseCount: 0,
  error: null,
  createdAt: '2026-11-24T10:00:00.000Z',
  startedAt: null,
  completedAt: null,
  profileId: null,
  media: null,
  metadataStatus: null,
  indexers: null,
};
const USER_ID = '2b9f4c1d-6e3a-4f8b-9c7d-1e2f3a4b5c6d';
const ADMIN_ID = '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d';

describe('SearchesController over HTTP', () => {
  let app: INestApplication;
  const service = { create: jest.fn(), get: jest.fn(), releasesOf: jest.fn() };
  let userToken: string;
  let adminToken: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AccessModule.forRoot({ jwtSecret: 'x'.repeat(40), accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' })],
      controllers: [SearchesController, ParseController],
      providers: [{ provide: SearchesService, useValue: service }, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
      // Idempotency runs against real Redis in its own integration spec.
      .overrideInterceptor(IdempotencyInterceptor)
      .useValue({ intercept: (_context: unknown, next: { handle: () => unknown }) => next.handle() })
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureGatewayApplication(app as NestExpressApplication, { corsOrigins: ['https://app.example.org'] });
    await app.init();
    const tokens = app.get(AccessTokenService);
    userToken = await tokens.sign(USER_ID, 'user');
    adminToken = await tokens.sign(ADMIN_ID, 'admin');
  });

  afterEach(() => jest.resetAllMocks());
  afterAll(() => app.close());

  /** Requests as the user unless told otherwise; `null` sends no Authorization header. */
  const http = (token: string | null = userToken) => {
    const agent = request.agent(app.getHttpServer());
    return token === null ? agent : agent.set('Authorization', `Bearer ${token}`);
  };

  it('accepts a search with 202, its Location, and passes the trimmed query on', async () => {
    service.create.mockResolvedValue(SEARCH);
    const response = await http().post('/api/v1/searches').send({ query: '  Dune 2021  ' });
    expect(response.status).toBe(202);
    expect(response.headers['location']).toBe(`/api/v1/searches/${SEARCH.id}`);
    expect(response.body).toEqual(SEARCH);
    expect(service.create).toHaveBeenCalledWith({ query: 'Dune 2021' }, USER_ID);
  });

  it('records the search for the authenticated caller', async () => {
    service.create.mockResolvedValue(SEARCH);
    await http(adminToken).post('/api/v1/searches').send({ query: 'Arrival' });
    expect(service.create).toHaveBeenCalledTimes(1);
    expect(service.create).toHaveBeenCalledWith({ query: 'Arrival' }, ADMIN_ID);
  });

  it('reads a search on behalf of the caller, passing their principal to the service', async () => {
    service.get.mockResolvedValue(SEARCH);
    const response = await http().get(`/api/v1/searches/${SEARCH.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(SEARCH);
    expect(service.get).toHaveBeenCalledWith(SEARCH.id, { userId: USER_ID, role: 'user' });
  });

  it('passes an admin principal on as admin', async () => {
    service.get.mockResolvedValue(SEARCH);
    await http(adminToken).get(`/api/v1/searches/${SEARCH.id}`);
    expect(service.get).toHaveBeenCalledWith(SEARCH.id, { userId: ADMIN_ID, role: 'admin' });
  });

  it.each([
    ['create', 'post', '/api/v1/searches'],
    ['read', 'get', `/api/v1/searches/${SEARCH.id}`],
  ] as const)('refuses to %s a search without a token: 401 problem with WWW-Authenticate: Bearer', async (_case, method, path) => {
    const response = await http(null)[method](path).send(method === 'post' ? { query: 'Dune' } : undefined);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer( |$)/);
    expect(response.body).toMatchObject({ type: 'https://sokoul.dev/problems/unauthenticated', status: 401, instance: path });
    expect(service.create).not.toHaveBeenCalled();
    expect(service.get).not.toHaveBeenCalled();
  });

  it('authenticates before validating: an invalid body without a token is a 401, not a 400', async () => {
    const response = await http(null).post('/api/v1/searches').send({ sneaky: true });
    expect(response.status).toBe(401);
  });

  it('refuses a token signed with another secret with 401', async () => {
    const forged = await new AccessTokenService({
      jwtSecret: 'y'.repeat(40),
      accessTokenTtlSeconds: 900,
      issuer: 'sokoul',
      audience: 'sokoul-api',
    }).sign(USER_ID, 'admin');
    const response = await http(forged).get(`/api/v1/searches/${SEARCH.id}`);
    expect(response.status).toBe(401);
    expect(service.get).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown field', { query: 'Dune', sneaky: true }, '/', 'unknown field(s): sneaky'],
    ['a missing query', {}, '/query', 'query is required and must be a string'],
    ['an empty query', { query: '   ' }, '/query', 'query must not be empty'],
    ['a query that is not a string', { query: 42 }, '/query', 'query is required and must be a string'],
    ['an over-long query', { query: 'x'.repeat(201) }, '/query', 'query must be at most 200 characters'],
  ])('rejects %s with a 400 problem naming the field', async (_case, body, pointer, detail) => {
    const response = await http().post('/api/v1/searches').send(body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://sokoul.dev/problems/validation',
      status: 400,
      instance: '/api/v1/searches',
      errors: [{ pointer, detail }],
    });
    expect(service.create).not.toHaveBeenCalled();
  });

  it('passes a profile, a TMDB title, a season and an episode on', async () => {
    service.create.mockResolvedValue(SEARCH);
    const body = { query: 'Severance', profileId: SEARCH.id, tmdb: { kind: 'series', id: 95396 }, season: 2, episode: 1 };

    expect((await http().post('/api/v1/searches').send(body)).status).toBe(202);
    expect(service.create).toHaveBeenCalledWith(body, USER_ID);
  });

  it.each([
    ['a profile id that is not a UUID', { profileId: 'hd' }, '/profileId', 'profileId must be a quality profile id (UUID)'],
    ['an unknown kind of TMDB title', { tmdb: { kind: 'book', id: 1 } }, '/tmdb/kind', 'tmdb.kind must be movie or series'],
    ['an unknown field in tmdb', { tmdb: { kind: 'movie', id: 1, imdb: 'tt1' } }, '/tmdb', 'unknown field(s): imdb'],
    ['a season of a movie', { tmdb: { kind: 'movie', id: 438631 }, season: 1 }, '/season', 'a movie has no season'],
    ['an episode without its season', { episode: 3 }, '/episode', 'give the season of the episode too'],
    ['a negative season', { season: -1 }, '/season', 'season must be 0 or more'],
  ])('rejects %s with a 400 problem naming the field', async (_case, extra, pointer, detail) => {
    const response = await http().post('/api/v1/searches').send({ query: 'Dune', ...extra });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ pointer, detail }]);
    expect(service.create).not.toHaveBeenCalled();
  });

  it("reads a search's releases for the caller, with the page size and cursor", async () => {
    service.releasesOf.mockResolvedValue({ items: [], nextCursor: null });
    const response = await http().get(`/api/v1/searches/${SEARCH.id}/releases?limit=10&cursor=abc`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
    expect(service.releasesOf).toHaveBeenCalledWith(SEARCH.id, { userId: USER_ID, role: 'user' }, 10, 'abc');
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'sort=score'])('rejects a releases query with %s with 400', async (query) => {
    expect((await http().get(`/api/v1/searches/${SEARCH.id}/releases?${query}`)).status).toBe(400);
    expect(service.releasesOf).not.toHaveBeenCalled();
  });

  it('parses a release title for any signed-in user', async () => {
    const response = await http().get('/api/v1/parse').query({ title: 'The.Expanse.S03E05.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ title: 'The Expanse', season: 3, episodes: [5], resolution: 1080, source: 'webdl', quality: 'WEBDL-1080p', releaseGroup: 'NTb' });
    expect((await http(null).get('/api/v1/parse').query({ title: 'x' })).status).toBe(401);
  });

  it.each([
    ['no title', ''],
    ['an empty title', '?title='],
    ['a blank title', '?title=%20%20'],
    ['a title over 500 characters', `?title=${'x'.repeat(501)}`],
    ['two titles', '?title=a&title=b'],
  ])('refuses to parse %s with 400', async (_case, query) => {
    const response = await http().get(`/api/v1/parse${query}`);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a body that is not JSON with a 400 problem', async () => {
    const response = await http().post('/api/v1/searches').set('content-type', 'application/json').send('{"query": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.detail).toMatch(/JSON/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await http().post('/api/v1/searches').send({ query: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('rejects a search id that is not a UUID with a 400 problem', async () => {
    const response = await http().get('/api/v1/searches/not-a-uuid');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ pointer: '/', detail: 'expected a search id (UUID)' }]);
    expect(service.get).not.toHaveBeenCalled();
  });

  it('returns a 404 problem for a search that does not exist', async () => {
    service.get.mockRejectedValue(new ProblemException(404, 'search-not-found', 'Search not found', 'No search has id x.'));
    const response = await http().get(`/api/v1/searches/${SEARCH.id}`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: 'https://sokoul.dev/problems/search-not-found', title: 'Search not found' });
  });

  it('tells the client when to retry if the queue is unavailable', async () => {
    service.create.mockRejectedValue(new ServiceUnavailableProblem('The search queue is unavailable.', 5));
    const response = await http().post('/api/v1/searches').send({ query: 'Dune' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('hides the internals of an unexpected error behind a 500 problem', async () => {
    service.get.mockRejectedValue(new Error('connection to 10.0.0.7:5432 refused, password=hunter2'));
    const response = await http().get(`/api/v1/searches/${SEARCH.id}`);
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      type: 'https://sokoul.dev/problems/internal-server-error',
      title: 'Internal server error',
      status: 500,
      instance: `/api/v1/searches/${SEARCH.id}`,
    });
  });

  it('sends security headers on every answer', async () => {
    const response = await http().get(`/api/v1/searches/not-a-uuid`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('allows cross-origin calls from the listed origins only', async () => {
    const allowed = await http().options('/api/v1/searches').set('Origin', 'https://app.example.org').set('Access-Control-Request-Method', 'POST');
    const refused = await http().options('/api/v1/searches').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await http().get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
