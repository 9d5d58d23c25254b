import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  IdempotencyInterceptor,
  ProblemDetailsFilter,
  ProblemException,
  ServiceUnavailableProblem,
  configureGatewayApplication,
} from '@sokoul/gateway/http';
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
};

describe('SearchesController over HTTP', () => {
  let app: INestApplication;
  const service = { create: jest.fn(), get: jest.fn() };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [SearchesController],
      providers: [{ provide: SearchesService, useValue: service }, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
      // Idempotency runs against real Redis in its own integration spec.
      .overrideInterceptor(IdempotencyInterceptor)
      .useValue({ intercept: (_context: unknown, next: { handle: () => unknown }) => next.handle() })
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureGatewayApplication(app as NestExpressApplication);
    await app.init();
  });

  afterEach(() => jest.resetAllMocks());
  afterAll(() => app.close());

  const http = () => request(app.getHttpServer());

  it('accepts a search with 202, its Location, and passes the trimmed query on', async () => {
    service.create.mockResolvedValue(SEARCH);
    const response = await http().post('/api/v1/searches').send({ query: '  Dune 2021  ' });
    expect(response.status).toBe(202);
    expect(response.headers['location']).toBe(`/api/v1/searches/${SEARCH.id}`);
    expect(response.body).toEqual(SEARCH);
    expect(service.create).toHaveBeenCalledWith('Dune 2021', null);
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

  it('answers an unknown route with a 404 problem', async () => {
    const response = await http().get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
