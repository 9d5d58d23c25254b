import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiKeyRepository, type ApiKeyScope, UserRepository, createDataSource } from '@sokoul/persistence';
import { createTestSchema, eventually, testEnvironment } from '@sokoul/testing';
import { newApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator';

jest.setTimeout(30_000);

describe('ApiKeyAuthenticator (real Postgres, LISTEN/NOTIFY)', () => {
  const schema = `api_key_auth_${randomBytes(5).toString('hex')}`;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  /** Another gateway replica's connections: its changes reach this one only as announcements. */
  let elsewhere: DataSource;
  let repository: ApiKeyRepository;
  let databaseReads: jest.SpyInstance;
  let authenticator: ApiKeyAuthenticator;

  async function userWithKey(scopes: ApiKeyScope[] = ['read']): Promise<{ userId: string; keyId: string; key: string }> {
    const userId = randomUUID();
    await new UserRepository(elsewhere).createWithFirstAdmin({ id: userId, username: `u${userId.slice(0, 8)}`, email: `${userId}@example.test`, passwordHash: 'not-a-real-hash' });
    const key = newApiKey();
    const keyId = randomUUID();
    await new ApiKeyRepository(elsewhere).create({ id: keyId, userId, name: 'automation', prefix: key.prefix, keyHash: key.hash, scopes });
    return { userId, keyId, key: key.value };
  }

  beforeAll(async () => {
    ({ dataSource, drop } = await createTestSchema(schema));
    elsewhere = createDataSource({ url: testEnvironment.TEST_DATABASE_URL, schema, poolSize: 2, applicationName: `replica-${schema}` });
    await elsewhere.initialize();
    // The first account is the admin: every account below is a plain user.
    await new UserRepository(elsewhere).createWithFirstAdmin({ id: randomUUID(), username: 'admin', email: 'admin@example.test', passwordHash: 'not-a-real-hash' });
  });

  beforeEach(async () => {
    repository = new ApiKeyRepository(dataSource);
    databaseReads = jest.spyOn(repository, 'authenticate');
    authenticator = new ApiKeyAuthenticator(repository, dataSource);
    await authenticator.onModuleInit();
  });

  afterEach(async () => {
    await authenticator.onModuleDestroy();
  });

  afterAll(async () => {
    await elsewhere.destroy();
    await drop();
  });

  it('asks Postgres once about a key while nothing about it changes', async () => {
    const { userId, key } = await userWithKey(['read', 'write']);

    const principals = [await authenticator.authenticate(key), await authenticator.authenticate(key), await authenticator.authenticate(key)];

    expect(principals).toEqual(Array(3).fill({ userId, role: 'user', scopes: ['read', 'write'] }));
    expect(databaseReads).toHaveBeenCalledTimes(1);
    // Its use is recorded all the same (and that write is not announced: nothing about the key changed).
    const [{ last_used_at }] = await elsewhere.query(`SELECT last_used_at FROM api_keys WHERE user_id = $1`, [userId]);
    expect(last_used_at).toBeInstanceOf(Date);
  });

  it('refuses a key revoked on another replica once the revocation is announced', async () => {
    const { userId, keyId, key } = await userWithKey();
    await authenticator.authenticate(key);

    await new ApiKeyRepository(elsewhere).revoke(keyId, userId);

    await eventually(async () => expect(await authenticator.authenticate(key)).toBeUndefined());
  });

  it("refuses every key of an owner disabled on another replica, and acts with the owner's new role", async () => {
    const { userId, key } = await userWithKey(['read', 'admin']);
    const second = await new ApiKeyRepository(elsewhere).create({ id: randomUUID(), userId, name: 'second', prefix: 'sk_second', keyHash: newApiKey().hash, scopes: ['read'] });
    expect(second.userId).toBe(userId);
    await authenticator.authenticate(key);

    await new UserRepository(elsewhere).updateKeepingAnAdmin(userId, { role: 'admin' });
    await eventually(async () => expect((await authenticator.authenticate(key))?.role).toBe('admin'));

    await new UserRepository(elsewhere).updateKeepingAnAdmin(userId, { disabled: true });
    await eventually(async () => expect(await authenticator.authenticate(key)).toBeUndefined());
  });

  it('refuses a key this replica revoked from the very next request, without waiting for the announcement', async () => {
    const { userId, keyId, key } = await userWithKey();
    await authenticator.authenticate(key);

    await repository.revoke(keyId, userId);
    authenticator.forgetKeysOf(userId);

    expect(await authenticator.authenticate(key)).toBeUndefined();
  });

  it('keeps nothing for an unknown key, nor for a string that is not shaped like a key', async () => {
    const unknown = newApiKey().value;

    expect(await authenticator.authenticate(unknown)).toBeUndefined();
    expect(await authenticator.authenticate(unknown)).toBeUndefined();
    expect(await authenticator.authenticate("sk_' OR 1=1 --")).toBeUndefined();

    expect(databaseReads).toHaveBeenCalledTimes(2);
  });

  it('drops only the changed owner’s keys', async () => {
    const [alice, bob] = [await userWithKey(), await userWithKey()];
    await authenticator.authenticate(alice.key);
    await authenticator.authenticate(bob.key);

    await new ApiKeyRepository(elsewhere).revoke(alice.keyId, alice.userId);
    await eventually(async () => expect(await authenticator.authenticate(alice.key)).toBeUndefined());

    databaseReads.mockClear();
    expect(await authenticator.authenticate(bob.key)).toMatchObject({ userId: bob.userId });
    expect(databaseReads).not.toHaveBeenCalled();
  });
});
