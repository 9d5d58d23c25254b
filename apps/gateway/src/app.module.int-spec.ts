import { loadConfig } from '@sokoul/config';
import { namespaceEnv, readinessOf, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

describe('gateway', () => {
  const namespace = uniqueNamespace('gateway');
  const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

  afterAll(() => removeNamespace(namespace));

  it('listens on 3000 unless GATEWAY_PORT says otherwise', () => {
    expect(loadConfig(gatewayConfigSchema, env).GATEWAY_PORT).toBe(3000);
    expect(loadConfig(gatewayConfigSchema, { ...env, GATEWAY_PORT: '8080' }).GATEWAY_PORT).toBe(8080);
  });

  it('is ready when exactly the dependencies it uses answer: nats, postgres, redis', async () => {
    const readiness = await readinessOf(AppModule.forRoot(loadConfig(gatewayConfigSchema, env), 'spec'));
    expect(readiness).toEqual({ status: 200, checks: ['nats', 'postgres', 'redis'] });
  });
});
