import { loadConfig } from '@sokoul/config';
import { namespaceEnv, readinessOf, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { AppModule } from './app.module';
import { oracleConfigSchema } from './config';

describe('oracle', () => {
  const namespace = uniqueNamespace('oracle');
  const env = { ...namespaceEnv(namespace), DATABASE_MIGRATE_ON_START: 'true' };

  afterAll(() => removeNamespace(namespace));

  it('listens on 3003 unless ORACLE_PORT says otherwise', () => {
    expect(loadConfig(oracleConfigSchema, env).ORACLE_PORT).toBe(3003);
    expect(loadConfig(oracleConfigSchema, { ...env, ORACLE_PORT: '8080' }).ORACLE_PORT).toBe(8080);
  });

  it('is ready when exactly the dependencies it uses answer: nats', async () => {
    const readiness = await readinessOf(AppModule.forRoot(loadConfig(oracleConfigSchema, env), 'spec'));
    expect(readiness).toEqual({ status: 200, checks: ['nats'] });
  });
});
