import { Controller, Get, Req } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import request from 'supertest';
import { type GatewayApplicationOptions, configureGatewayApplication } from './configure-gateway-application';

@Controller('whoami')
class WhoAmIController {
  @Get()
  whoAmI(@Req() req: Request) {
    return { ip: req.ip };
  }
}

async function appWith(options: GatewayApplicationOptions): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ controllers: [WhoAmIController] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureGatewayApplication(app, options);
  await app.init();
  return app;
}

describe('the gateway application', () => {
  const apps: NestExpressApplication[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));
  const ipSeenBy = async (options: GatewayApplicationOptions, forwardedFor: string) => {
    const app = await appWith(options);
    apps.push(app);
    const response = await request(app.getHttpServer()).get('/api/v1/whoami').set('X-Forwarded-For', forwardedFor);
    return (response.body as { ip: string }).ip;
  };

  it('ignores X-Forwarded-For by default, so a client cannot choose the IP that rate limits see', async () => {
    expect(await ipSeenBy({}, '203.0.113.7')).toMatch(/127\.0\.0\.1/);
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    expect(await ipSeenBy({ trustProxy: ['loopback'] }, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('takes the address one hop in when trusting one proxy, whatever the client prepends', async () => {
    expect(await ipSeenBy({ trustProxy: 1 }, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('sets security headers and serves the API under /api/v1', async () => {
    const app = await appWith({});
    apps.push(app);
    const response = await request(app.getHttpServer()).get('/api/v1/whoami');
    expect(response.status).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(app.getHttpServer()).get('/whoami')).status).toBe(404);
  });
});
