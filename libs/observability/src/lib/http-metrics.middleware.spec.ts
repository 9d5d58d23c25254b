import { type CanActivate, Controller, Get, type INestApplication, Injectable, NotFoundException, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Histogram, register } from 'prom-client';
import request from 'supertest';
import { ObservabilityModule } from './observability.module';

@Injectable()
class RefuseGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller('things')
class ThingsController {
  @Get(':id')
  one() {
    return { ok: true };
  }

  @Get('locked/:id')
  @UseGuards(RefuseGuard)
  locked() {
    return { ok: true };
  }

  @Get('missing/:id')
  missing() {
    throw new NotFoundException();
  }
}

/** The request count recorded under these labels. */
async function counted(labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric('sokoul_http_request_duration_seconds') as Histogram;
  const values = (await metric.get()).values.filter((v) => v.metricName === 'sokoul_http_request_duration_seconds_count');
  return values.filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value)).reduce((sum, v) => sum + v.value, 0);
}

describe('HTTP request metrics (sokoul_http_request_duration_seconds)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ObservabilityModule.forRoot({ service: 'spec' })], controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('times a request under its route template, never its raw URL', async () => {
    for (const id of ['1', '2', '3']) expect((await request(app.getHttpServer()).get(`/things/${id}`)).status).toBe(200);

    expect(await counted({ method: 'GET', route: '/things/:id', status_code: '200' })).toBe(3);
    expect(await counted({ route: '/things/1' })).toBe(0);
  });

  it('times a request a guard refused, with the status it was answered', async () => {
    expect((await request(app.getHttpServer()).get('/things/locked/7')).status).toBe(403);

    expect(await counted({ method: 'GET', route: '/things/locked/:id', status_code: '403' })).toBe(1);
  });

  it('times a request whose handler threw with the status it was answered, not 200', async () => {
    expect((await request(app.getHttpServer()).get('/things/missing/9')).status).toBe(404);

    expect(await counted({ method: 'GET', route: '/things/missing/:id', status_code: '404' })).toBe(1);
    expect(await counted({ route: '/things/missing/:id', status_code: '200' })).toBe(0);
  });

  it('times a request no route matched as "unmatched"', async () => {
    expect((await request(app.getHttpServer()).get('/nowhere/at/all')).status).toBe(404);

    expect(await counted({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
  });
});
