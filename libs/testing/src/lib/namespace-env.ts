import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { Client } from 'pg';
import { testEnvironment } from './test-environment';

/** The environment a service needs to run inside `namespace` on the test servers. */
export function namespaceEnv(namespace: string): Record<string, string> {
  return {
    DATABASE_URL: testEnvironment.TEST_DATABASE_URL,
    DATABASE_SCHEMA: namespace,
    NATS_URL: testEnvironment.NATS_URL,
    REDIS_URL: testEnvironment.REDIS_URL,
    SOKOUL_NAMESPACE: namespace,
    AUTH_JWT_SECRET: `test-secret-of-${namespace}-padded-to-32-chars`,
    SECRETS_ENCRYPTION_KEY: `test-encryption-key-of-${namespace}-padded`,
    // The hunter's folders and a peer port of its own; no DHT or UPnP from a test.
    HUNTER_DOWNLOAD_DIR: join(tmpdir(), 'sokoul-test', namespace, 'downloads'),
    HUNTER_LIBRARY_DIR: join(tmpdir(), 'sokoul-test', namespace, 'library'),
    GATEWAY_LIBRARY_DIR: join(tmpdir(), 'sokoul-test', namespace, 'library'),
    HUNTER_BT_PORT: '0',
    HUNTER_BT_PUBLIC_DISCOVERY: 'false',
  };
}

/** Removes what a namespace left on the shared servers: its schema and its streams. */
export async function removeNamespace(namespace: string): Promise<void> {
  const pg = new Client({ connectionString: testEnvironment.TEST_DATABASE_URL });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
  await pg.end();
  const nc = await connect({ servers: testEnvironment.NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const stream of ['SOKOUL_COMMANDS', 'SOKOUL_EVENTS', 'SOKOUL_DLQ']) {
    await jsm.streams.delete(`${namespace.toUpperCase()}_${stream}`).catch(() => undefined);
  }
  await nc.close();
  await rm(join(tmpdir(), 'sokoul-test', namespace), { recursive: true, force: true });
}
