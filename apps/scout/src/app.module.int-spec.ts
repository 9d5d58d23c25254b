import { loadConfig } from '@sokoul/config';
import { namespaceEnv, readinessOf, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { AppModule } from './app.module';
import { scoutConfigSchema } from './config';

describe('scout', () => {
  const namespace = uniqueNamespace('scout');
  const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

  afterAll(() => removeNamespace(namespace));

  it('listens on 3001 unless SCOUT_PORT says otherwise', () => {
    expect(loadConfig(scoutConfigSchema, env).SCOUT_PORT).toBe(3001);
    expect(loadConfig(scoutConfigSchema, { ...env, SCOUT_PORT: '8080' }).SCOUT_PORT).toBe(8080);
  });

  it('is ready when exactly the dependencies it uses answer: nats, postgres', async () => {
    const readiness = await readinessOf(AppModule.forRoot(loadConfig(scoutConfigSchema, env), 'spec'));
    expect(readiness).toEqual({ status: 200, checks: ['nats', 'postgres'] });
  });
});
