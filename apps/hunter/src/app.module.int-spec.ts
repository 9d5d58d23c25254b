import { loadConfig } from '@sokoul/config';
import { namespaceEnv, readinessOf, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { AppModule } from './app.module';
import { hunterConfigSchema } from './config';

describe('hunter', () => {
  const namespace = uniqueNamespace('hunter');
  const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

  afterAll(() => removeNamespace(namespace));

  it('listens on 3002 unless HUNTER_PORT says otherwise', () => {
    expect(loadConfig(hunterConfigSchema, env).HUNTER_PORT).toBe(3002);
    expect(loadConfig(hunterConfigSchema, { ...env, HUNTER_PORT: '8080' }).HUNTER_PORT).toBe(8080);
  });

  it('is ready when exactly the dependencies it uses answer: nats', async () => {
    const readiness = await readinessOf(AppModule.forRoot(loadConfig(hunterConfigSchema, env), 'spec'));
    expect(readiness).toEqual({ status: 200, checks: ['nats'] });
  });
});
