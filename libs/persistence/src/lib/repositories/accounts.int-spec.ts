import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { createDataSource } from '../data-source';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';
import type { UserEntity } from '../entities/user.entity';
import { runMigrations } from '../migrate';
import { AppSettingRepository } from './app-setting.repository';
import { type NewRefreshToken, RefreshTokenRepository } from './refresh-token.repository';
import { DuplicateUserError, UserRepository } from './user.repository';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library, so this spec cannot import it (see persistence.int-spec.ts).
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);
const namespace = `accounts_${randomBytes(5).toString('hex')}`;
const schemas: string[] = [];
const dataSources: DataSource[] = [];

/** A data source on a freshly migrated schema of its own. */
async function migratedDataSource(suffix: string): Promise<DataSource> {
  const schema = `${namespace}_${suffix}`;
  const dataSource = createDataSource({ url: TEST_DATABASE_URL, schema, poolSize: 8, applicationName: `test-${schema}` });
  schemas.push(schema);
  dataSources.push(dataSource);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return dataSource;
}

afterAll(async () => {
  const [first] = dataSources.filter((d) => d.isInitialized);
  for (const schema of schemas) await first?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const dataSource of dataSources.filter((d) => d.isInitialized)) await dataSource.destroy();
});

const newUser = (name = `u${randomBytes(4).toString('hex')}`) => ({
  id: randomUUID(),
  username: name,
  email: `${name.toLowerCase()}@example.test`,
  passwordHash: '$fake$not-a-real-hash',
});

const hashOf = (value: string) => createHash('sha256').update(value).digest('hex');
const hour = 3600_000;

describe('UserRepository', () => {
  describe('createWithFirstAdmin', () => {
    it('makes exactly one admin when 5 first registrations race on an empty table', async () => {
      const users = new UserRepository(await migratedDataSource('race'));

      const created = await Promise.all(Array.from({ length: 5 }, (_, i) => users.createWithFirstAdmin(newUser(`racer${i}`))));

      expect(created.map((u) => u.role).sort()).toEqual(['admin', 'user', 'user', 'user', 'user']);
      expect(await users.countActiveAdmins()).toBe(1);
      expect(await users.list(10)).toHaveLength(5);
    });
  });

  describe('on a shared schema', () => {
    let users: UserRepository;
    let first: UserEntity;

    beforeAll(async () => {
      users = new UserRepository(await migratedDataSource('users'));
      first = await users.createWithFirstAdmin(newUser('Founder'));
    });

    it('makes the first account admin and every later one a user', async () => {
      const second = await users.createWithFirstAdmin(newUser());

      expect(first.role).toBe('admin');
      expect(second.role).toBe('user');
      expect(second).toMatchObject({ disabledAt: null });
      expect(second.createdAt).toBeInstanceOf(Date);
    });

    it.each([
      ['username', { username: 'FOUNDER', email: 'someone-else@example.test' }],
      ['email', { username: 'someone_else', email: 'FOUNDER@EXAMPLE.TEST' }],
    ] as const)('refuses a duplicate %s, whatever its letter case, with DuplicateUserError', async (field, clash) => {
      const attempt = users.createWithFirstAdmin({ ...newUser(), ...clash });

      await expect(attempt).rejects.toThrow(DuplicateUserError);
      await expect(attempt).rejects.toMatchObject({ field });
    });

    it('finds a user by username or email, case-insensitively', async () => {
      expect((await users.findByLogin('founder'))?.id).toBe(first.id);
      expect((await users.findByLogin('FOUNDER@example.TEST'))?.id).toBe(first.id);
      expect(await users.findByLogin('nobody')).toBeNull();
    });

    it('lists users in id order from a cursor, exclusively', async () => {
      const all = await users.list(100);
      const ids = all.map((u) => u.id);

      expect(ids).toEqual([...ids].sort());
      expect((await users.list(100, ids[0])).map((u) => u.id)).toEqual(ids.slice(1));
      expect((await users.list(1, ids[0])).map((u) => u.id)).toEqual(ids.slice(1, 2));
    });

    it('counts active admins only', async () => {
      const promoted = await users.createWithFirstAdmin(newUser());
      await users.updateKeepingAnAdmin(promoted.id, { role: 'admin' });
      expect(await users.countActiveAdmins()).toBe(2);

      await users.updateKeepingAnAdmin(promoted.id, { disabled: true });

      expect(await users.countActiveAdmins()).toBe(1);
      expect((await users.findById(promoted.id))?.disabledAt).toBeInstanceOf(Date);
    });

    it('never leaves the installation without an active admin, even when two admins demote each other at once', async () => {
      const second = await users.createWithFirstAdmin(newUser());
      await users.updateKeepingAnAdmin(second.id, { role: 'admin' });
      const admins = (await users.list(100)).filter((u) => u.role === 'admin' && !u.disabledAt);
      // Leave exactly two active admins, then have each demoted at the same moment.
      for (const extra of admins.slice(2)) await users.updateKeepingAnAdmin(extra.id, { role: 'user' });
      const [a, b] = (await users.list(100)).filter((u) => u.role === 'admin' && !u.disabledAt);

      const results = await Promise.all([
        users.updateKeepingAnAdmin(a.id, { role: 'user' }),
        users.updateKeepingAnAdmin(b.id, { disabled: true }),
      ]);

      expect(results.filter((r) => r === 'last-admin')).toHaveLength(1);
      expect(await users.countActiveAdmins()).toBe(1);
    });
  });
});

describe('RefreshTokenRepository', () => {
  let dataSource: DataSource;
  let tokens: RefreshTokenRepository;
  let userId: string;

  beforeAll(async () => {
    dataSource = await migratedDataSource('tokens');
    tokens = new RefreshTokenRepository(dataSource);
    userId = (await new UserRepository(dataSource).createWithFirstAdmin(newUser())).id;
  });

  const row = (id: string) => dataSource.getRepository(RefreshTokenEntity).findOneBy({ id });

  /** Issues a token of a new family (a login) and returns its value's hash. */
  async function login(options: { owner?: string; expiresAt?: Date } = {}): Promise<NewRefreshToken> {
    const token: NewRefreshToken = {
      id: randomUUID(),
      userId: options.owner ?? userId,
      familyId: randomUUID(),
      tokenHash: hashOf(randomUUID()),
      expiresAt: options.expiresAt ?? new Date(Date.now() + hour),
      userAgent: 'jest',
      ip: '127.0.0.1',
    };
    await tokens.issue(token);
    return token;
  }

  const successor = () => ({ id: randomUUID(), tokenHash: hashOf(randomUUID()), expiresAt: new Date(Date.now() + hour), userAgent: null, ip: null });

  describe('rotate', () => {
    it('spends the token and stores its successor in the same family: rotated', async () => {
      const current = await login();
      const next = successor();

      const result = await tokens.rotate(current.tokenHash, next);

      expect(result).toEqual({ outcome: 'rotated', previous: expect.objectContaining({ id: current.id, userId, familyId: current.familyId }) });
      expect(await row(current.id)).toMatchObject({ revokedAt: expect.any(Date), replacedBy: next.id });
      expect(await row(next.id)).toMatchObject({ userId, familyId: current.familyId, tokenHash: next.tokenHash, revokedAt: null, replacedBy: null });
      expect(await tokens.countActiveInFamily(current.familyId)).toBe(1);
    });

    it('rotates along a chain, one successor after the other', async () => {
      const current = await login();
      const second = successor();
      const third = successor();

      expect((await tokens.rotate(current.tokenHash, second)).outcome).toBe('rotated');
      expect((await tokens.rotate(second.tokenHash, third)).outcome).toBe('rotated');

      expect(await row(third.id)).toMatchObject({ familyId: current.familyId, revokedAt: null });
      expect(await tokens.countActiveInFamily(current.familyId)).toBe(1);
    });

    it('answers unknown for a hash it never issued, storing nothing', async () => {
      const next = successor();

      expect(await tokens.rotate(hashOf('never issued'), next)).toEqual({ outcome: 'unknown' });
      expect(await row(next.id)).toBeNull();
    });

    it('answers expired for an expired token, storing no successor', async () => {
      const expired = await login({ expiresAt: new Date(Date.now() - 1000) });
      const next = successor();

      expect(await tokens.rotate(expired.tokenHash, next)).toEqual({ outcome: 'expired' });
      expect(await row(next.id)).toBeNull();
    });

    it("answers reused for a spent token and revokes its whole family, sparing the user's other logins", async () => {
      const current = await login();
      const otherLogin = await login();
      const next = successor();
      await tokens.rotate(current.tokenHash, next);
      const replay = successor();

      const result = await tokens.rotate(current.tokenHash, replay);

      expect(result).toEqual({ outcome: 'reused', familyId: current.familyId, userId });
      expect(await row(next.id)).toMatchObject({ revokedAt: expect.any(Date) });
      expect(await row(replay.id)).toBeNull();
      expect(await tokens.countActiveInFamily(current.familyId)).toBe(0);
      expect(await tokens.countActiveInFamily(otherLogin.familyId)).toBe(1);
      // The successor is refused from now on as well.
      expect((await tokens.rotate(next.tokenHash, successor())).outcome).toBe('reused');
    });

    it("lets exactly one of two concurrent rotations of one token win; the other is reuse and the family ends revoked", async () => {
      for (let round = 0; round < 5; round++) {
        const current = await login();
        const [a, b] = [successor(), successor()];

        const results = await Promise.all([tokens.rotate(current.tokenHash, a), tokens.rotate(current.tokenHash, b)]);

        expect(results.map((r) => r.outcome).sort()).toEqual(['reused', 'rotated']);
        expect(await tokens.countActiveInFamily(current.familyId)).toBe(0);
        const stored = [await row(a.id), await row(b.id)].filter((r) => r !== null);
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({ familyId: current.familyId, revokedAt: expect.any(Date) });
      }
    });
  });

  describe('revocation', () => {
    it('revokes the family of a token (logout) and answers whether the token was known', async () => {
      const current = await login();
      const next = successor();
      await tokens.rotate(current.tokenHash, next);
      const otherLogin = await login();

      expect(await tokens.revokeFamilyOf(next.tokenHash)).toBe(true);
      expect(await tokens.revokeFamilyOf(hashOf('unknown'))).toBe(false);

      expect(await tokens.countActiveInFamily(current.familyId)).toBe(0);
      expect(await tokens.countActiveInFamily(otherLogin.familyId)).toBe(1);
      expect((await tokens.rotate(next.tokenHash, successor())).outcome).toBe('reused');
    });

    it("revokes every family of a user and nobody else's", async () => {
      const someoneElse = (await new UserRepository(dataSource).createWithFirstAdmin(newUser())).id;
      const [laptop, phone] = [await login(), await login()];
      const theirs = await login({ owner: someoneElse });

      await tokens.revokeAllOfUser(userId);

      expect(await tokens.countActiveInFamily(laptop.familyId)).toBe(0);
      expect(await tokens.countActiveInFamily(phone.familyId)).toBe(0);
      expect(await tokens.countActiveInFamily(theirs.familyId)).toBe(1);
      expect((await tokens.rotate(laptop.tokenHash, successor())).outcome).toBe('reused');
    });

    it('keeps the time a token was first revoked when its family is revoked again', async () => {
      const current = await login();
      await tokens.revokeFamilyOf(current.tokenHash);
      const revokedAt = (await row(current.id))!.revokedAt;

      await tokens.revokeAllOfUser(userId);
      await tokens.revokeFamilyOf(current.tokenHash);

      expect((await row(current.id))!.revokedAt).toEqual(revokedAt);
    });
  });
});

describe('AppSettingRepository', () => {
  it('returns undefined for a setting never set, then the last value set', async () => {
    const settings = new AppSettingRepository(await migratedDataSource('settings'));

    expect(await settings.get('registration')).toBeUndefined();
    await settings.set('registration', 'closed');
    expect(await settings.get('registration')).toBe('closed');
    await settings.set('registration', 'open');
    expect(await settings.get('registration')).toBe('open');
    await settings.set('limits', { searchesPerHour: 30 });
    expect(await settings.get('limits')).toEqual({ searchesPerHour: 30 });
  });
});
