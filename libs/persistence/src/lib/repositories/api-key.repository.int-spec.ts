import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { createDataSource } from '../data-source';
import { runMigrations } from '../migrate';
import { ApiKeyRepository } from './api-key.repository';
import { UserRepository } from './user.repository';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library, so this spec cannot import it (see persistence.int-spec.ts).
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);
const schema = `api_key_repo_${randomBytes(5).toString('hex')}`;
let dataSource: DataSource;
let keys: ApiKeyRepository;
let users: UserRepository;

beforeAll(async () => {
  dataSource = createDataSource({ url: TEST_DATABASE_URL, schema, poolSize: 3, applicationName: `test-${schema}` });
  await dataSource.initialize();
  await runMigrations(dataSource);
  keys = new ApiKeyRepository(dataSource);
  users = new UserRepository(dataSource);
});

afterAll(async () => {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await dataSource.destroy();
});

/** A user (the first one is an admin) with a fresh key; returns the key's hash. */
async function userWithKey(scopes: Array<'read' | 'write' | 'admin'> = ['read']) {
  const name = `u${randomBytes(4).toString('hex')}`;
  const user = await users.createWithFirstAdmin({ id: randomUUID(), username: name, email: `${name}@example.test`, passwordHash: '$fake$' });
  const keyHash = randomBytes(32).toString('hex');
  const key = await keys.create({ id: randomUUID(), userId: user.id, name: 'automation', prefix: 'sk_abcdefg', keyHash, scopes });
  return { user, key, keyHash };
}

const lastUsedAt = async (keyId: string): Promise<Date | null> =>
  ((await dataSource.query('SELECT last_used_at FROM api_keys WHERE id = $1', [keyId])) as Array<{ last_used_at: Date | null }>)[0].last_used_at;

/** Sets last_used_at to `secondsAgo` before the database's now(), and returns the value stored. */
async function usedSecondsAgo(keyId: string, secondsAgo: number): Promise<Date> {
  await dataSource.query(`UPDATE api_keys SET last_used_at = now() - make_interval(secs => $2) WHERE id = $1`, [keyId, secondsAgo]);
  return (await lastUsedAt(keyId)) as Date;
}

/** From now on, every row write of api_keys is logged (a trigger in this spec's own schema). */
async function countWritesOf(keyId: string): Promise<void> {
  await dataSource.query(`CREATE TABLE IF NOT EXISTS api_key_writes (key_id uuid NOT NULL)`);
  await dataSource.query(`
    CREATE OR REPLACE FUNCTION log_api_key_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO api_key_writes VALUES (NEW.id); RETURN NEW; END $$`);
  await dataSource.query(`
    CREATE OR REPLACE TRIGGER api_key_written AFTER UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION log_api_key_write()`);
  await dataSource.query('DELETE FROM api_key_writes WHERE key_id = $1', [keyId]);
}

const writesOf = async (keyId: string): Promise<number> =>
  Number(((await dataSource.query('SELECT count(*) AS n FROM api_key_writes WHERE key_id = $1', [keyId])) as Array<{ n: string }>)[0].n);

/** The statements the repository sends while `fn` runs, by their first word. */
async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const spy = jest.spyOn(pool, 'query');
  try {
    await fn();
    return spy.mock.calls.map(([config]) => String((config as { text?: string }).text ?? config).trim().split(/\s/)[0].toUpperCase());
  } finally {
    spy.mockRestore();
  }
}

describe('ApiKeyRepository.authenticate', () => {
  it('answers the key, its owner and the owner’s role, and records the first use', async () => {
    const { user, key, keyHash } = await userWithKey(['read', 'write']);

    const found = await keys.authenticate(keyHash);

    expect(found).toEqual({ keyId: key.id, userId: user.id, role: user.role, scopes: ['read', 'write'] });
    expect(await lastUsedAt(key.id)).toBeInstanceOf(Date);
  });

  it('reads in one statement, and writes nothing, when the key was used less than a minute ago', async () => {
    const { key, keyHash } = await userWithKey();
    const recorded = await usedSecondsAgo(key.id, 30);

    const statements = await statementsDuring(() => keys.authenticate(keyHash));

    expect(statements).toEqual(['SELECT']);
    expect(await lastUsedAt(key.id)).toEqual(recorded);
  });

  it('records the use again once the last record is more than a minute old', async () => {
    const { key, keyHash } = await userWithKey();
    const recorded = await usedSecondsAgo(key.id, 61);

    const statements = await statementsDuring(() => keys.authenticate(keyHash));

    expect(statements).toEqual(['SELECT', 'UPDATE']);
    expect((await lastUsedAt(key.id))!.getTime()).toBeGreaterThan(recorded.getTime());
  });

  it('writes the row at most once when requests with a stale key race each other', async () => {
    const { key, keyHash } = await userWithKey();
    await usedSecondsAgo(key.id, 120);
    await countWritesOf(key.id);

    const found = await Promise.all(Array.from({ length: 6 }, () => keys.authenticate(keyHash)));

    expect(found.every((f) => f?.keyId === key.id)).toBe(true);
    expect(await writesOf(key.id)).toBe(1);
  });

  it('follows the owner’s current role', async () => {
    const { user, keyHash } = await userWithKey();
    const promoted = user.role === 'admin' ? 'user' : 'admin';
    await dataSource.query('UPDATE users SET role = $2 WHERE id = $1', [user.id, promoted]);

    expect((await keys.authenticate(keyHash))?.role).toBe(promoted);
  });

  it('refuses a revoked key, from the next request on', async () => {
    const { user, key, keyHash } = await userWithKey();
    expect(await keys.authenticate(keyHash)).toBeDefined();

    await keys.revoke(key.id, user.id);

    expect(await keys.authenticate(keyHash)).toBeUndefined();
  });

  it('refuses the key of a disabled owner, from the next request on, and records nothing', async () => {
    const { user, key, keyHash } = await userWithKey();
    const recorded = await usedSecondsAgo(key.id, 600);
    await dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);

    expect(await keys.authenticate(keyHash)).toBeUndefined();
    expect(await lastUsedAt(key.id)).toEqual(recorded);
  });

  it('refuses an unknown hash', async () => {
    expect(await keys.authenticate(randomBytes(32).toString('hex'))).toBeUndefined();
  });
});
