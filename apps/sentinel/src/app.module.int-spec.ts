import { loadConfig } from '@sokoul/config';
import { namespaceEnv, readinessOf, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { AppModule } from './app.module';
import { sentinelConfigSchema } from './config';

describe('sentinel', () => {
  const namespace = uniqueNamespace('sentinel');
  const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

  afterAll(() => removeNamespace(namespace));

  it('listens on 3004 unless SENTINEL_PORT says otherwise', () => {
    expect(loadConfig(sentinelConfigSchema, env).SENTINEL_PORT).toBe(3004);
    expect(loadConfig(sentinelConfigSchema, { ...env, SENTINEL_PORT: '8080' }).SENTINEL_PORT).toBe(8080);
  });

  it('is ready when exactly the dependencies it uses answer: nats', async () => {
    const readiness = await readinessOf(AppModule.forRoot(loadConfig(sentinelConfigSchema, env), 'spec'));
    expect(readiness).toEqual({ status: 200, checks: ['nats'] });
  });
});
