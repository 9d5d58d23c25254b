import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';
import { AccessTokenService } from './access-token.service';
import type { AccessOptions } from './access.options';

// The real jose, with its verification counted: what the cache of verified tokens saves.
jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const verifications = jwtVerify as jest.MockedFunction<typeof jwtVerify>;

const OPTIONS: AccessOptions = {
  jwtSecret: 'a-test-secret-that-is-long-enough-for-hs256!',
  accessTokenTtlSeconds: 900,
  issuer: 'sokoul',
  audience: 'sokoul-api',
};
const USER_ID = '3f0c6a2e-7d51-4b8e-9a34-1c2d3e4f5a6b';
const KEY = new TextEncoder().encode(OPTIONS.jwtSecret);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token with every claim the service issues, which `edit` then bends one way or another. */
function forged(edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt, claims: Record<string, unknown> = { role: 'user' }): SignJWT {
  return edit(
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(USER_ID)
      .setIssuer(OPTIONS.issuer)
      .setAudience(OPTIONS.audience)
      .setIssuedAt()
      .setJti('jti-1')
      .setExpirationTime('15m'),
  );
}

describe('AccessTokenService', () => {
  const service = new AccessTokenService(OPTIONS);

  it.each(['user', 'admin'] as const)('verifies a token it signed to its principal (%s)', async (role) => {
    const token = await service.sign(USER_ID, role);

    expect(await service.verify(token)).toEqual({ userId: USER_ID, role });
  });

  it('signs HS256 tokens carrying issuer, audience, subject and an expiry of the configured ttl', async () => {
    const token = await service.sign(USER_ID, 'user');

    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims).toMatchObject({ sub: USER_ID, iss: 'sokoul', aud: 'sokoul-api', role: 'user' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(service.ttlSeconds).toBe(900);
  });

  it('gives every token its own id', async () => {
    const [first, second] = [await service.sign(USER_ID, 'user'), await service.sign(USER_ID, 'user')];

    expect(decodeJwt(first).jti).toEqual(expect.any(String));
    expect(decodeJwt(first).jti).not.toBe(decodeJwt(second).jti);
  });

  it('control: a token forged with the right secret and claims verifies', async () => {
    expect(await service.verify(await forged().sign(KEY))).toEqual({ userId: USER_ID, role: 'user' });
  });

  describe('rejects (verify returns undefined)', () => {
    it('an unsigned `alg: none` token', async () => {
      const token = new UnsecuredJWT({ role: 'admin' })
        .setSubject(USER_ID)
        .setIssuer(OPTIONS.issuer)
        .setAudience(OPTIONS.audience)
        .setIssuedAt()
        .setExpirationTime('15m')
        .encode();

      expect(await service.verify(token)).toBeUndefined();
    });

    it('a token signed with another secret', async () => {
      const other = new AccessTokenService({ ...OPTIONS, jwtSecret: 'another-secret-that-is-also-long-enough!!' });

      expect(await service.verify(await other.sign(USER_ID, 'admin'))).toBeUndefined();
    });

    it('an expired token', async () => {
      const token = await forged((jwt) => jwt.setIssuedAt(nowSeconds() - 3600).setExpirationTime(nowSeconds() - 60)).sign(KEY);

      expect(await service.verify(token)).toBeUndefined();
    });

    it('a token for another audience', async () => {
      const other = new AccessTokenService({ ...OPTIONS, audience: 'another-api' });

      expect(await service.verify(await other.sign(USER_ID, 'user'))).toBeUndefined();
    });

    it('a token from another issuer', async () => {
      const other = new AccessTokenService({ ...OPTIONS, issuer: 'not-sokoul' });

      expect(await service.verify(await other.sign(USER_ID, 'user'))).toBeUndefined();
    });

    it('a token signed with HS512 and the same secret (algorithm confusion)', async () => {
      const token = await forged((jwt) => jwt.setProtectedHeader({ alg: 'HS512', typ: 'JWT' })).sign(KEY);

      expect(await service.verify(token)).toBeUndefined();
    });

    it('a token signed with an RSA key (RS256)', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await forged((jwt) => jwt.setProtectedHeader({ alg: 'RS256', typ: 'JWT' })).sign(privateKey);

      expect(await service.verify(token)).toBeUndefined();
    });

    it('a valid token whose payload was changed (user → admin) after signing', async () => {
      const token = await service.sign(USER_ID, 'user');
      const [header, , signature] = token.split('.');
      const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), role: 'admin' })).toString('base64url');

      expect(await service.verify(`${header}.${payload}.${signature}`)).toBeUndefined();
    });

    it.each([
      ['without a role', {}],
      ['with an unknown role', { role: 'superuser' }],
      ['with a role that is not a string', { role: ['admin'] }],
    ])('a token %s', async (_case, claims) => {
      expect(await service.verify(await forged(undefined, claims).sign(KEY))).toBeUndefined();
    });

    it('a token without a subject', async () => {
      const token = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(OPTIONS.issuer)
        .setAudience(OPTIONS.audience)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(KEY);

      expect(await service.verify(token)).toBeUndefined();
    });

    it('a token without an expiry', async () => {
      const token = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(USER_ID)
        .setIssuer(OPTIONS.issuer)
        .setAudience(OPTIONS.audience)
        .setIssuedAt()
        .sign(KEY);

      expect(await service.verify(token)).toBeUndefined();
    });

    it.each([
      ['an empty string', ''],
      ['a word', 'garbage'],
      ['three dots-separated junk parts', 'a.b.c'],
      ['a header without payload or signature', 'eyJhbGciOiJIUzI1NiJ9..'],
      ['a very long string', 'x'.repeat(5000)],
    ])('garbage: %s', async (_case, token) => {
      expect(await service.verify(token)).toBeUndefined();
    });
  });
});

describe('AccessTokenService: verified tokens are remembered until they expire', () => {
  const START = new Date('2026-11-24T10:00:00.250Z');

  beforeEach(() => {
    jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    verifications.mockClear();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('verifies a token once, then answers the same principal from memory', async () => {
    const service = new AccessTokenService(OPTIONS);
    const token = await service.sign(USER_ID, 'admin');

    const answers = [await service.verify(token), await service.verify(token), await service.verify(token)];

    expect(answers).toEqual([{ userId: USER_ID, role: 'admin' }, { userId: USER_ID, role: 'admin' }, { userId: USER_ID, role: 'admin' }]);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('answers exactly as verification would on both sides of the expiry: valid until the last ms before exp, then refused', async () => {
    const cached = new AccessTokenService(OPTIONS);
    const uncached = new AccessTokenService({ ...OPTIONS, verifiedTokenCacheSize: 0 });
    const token = await cached.sign(USER_ID, 'user');
    const expMs = decodeJwt(token).exp! * 1000;
    expect(await cached.verify(token)).toEqual({ userId: USER_ID, role: 'user' });

    jest.setSystemTime(expMs - 1);
    const justBefore = [await cached.verify(token), await uncached.verify(token)];
    jest.setSystemTime(expMs);
    const atExpiry = [await cached.verify(token), await uncached.verify(token)];
    jest.setSystemTime(expMs + 3_600_000);
    const later = await cached.verify(token);

    expect(justBefore).toEqual([{ userId: USER_ID, role: 'user' }, { userId: USER_ID, role: 'user' }]);
    expect(atExpiry).toEqual([undefined, undefined]);
    expect(later).toBeUndefined();
  });

  it('remembers nothing that failed: a refused token is verified (and refused) every time', async () => {
    const service = new AccessTokenService(OPTIONS);
    const other = new AccessTokenService({ ...OPTIONS, jwtSecret: 'another-secret-that-is-also-long-enough!!' });
    const foreign = await other.sign(USER_ID, 'admin');
    verifications.mockClear();

    expect([await service.verify(foreign), await service.verify(foreign)]).toEqual([undefined, undefined]);
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it('does not let a remembered token vouch for a tampered copy of it (user → admin)', async () => {
    const service = new AccessTokenService(OPTIONS);
    const token = await service.sign(USER_ID, 'user');
    expect(await service.verify(token)).toEqual({ userId: USER_ID, role: 'user' });
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), role: 'admin' })).toString('base64url');

    expect(await service.verify(`${header}.${payload}.${signature}`)).toBeUndefined();
  });

  it('keeps at most verifiedTokenCacheSize tokens, forgetting the least recently used first', async () => {
    const service = new AccessTokenService({ ...OPTIONS, verifiedTokenCacheSize: 2 });
    const [a, b, c] = [await service.sign(USER_ID, 'user'), await service.sign(USER_ID, 'user'), await service.sign(USER_ID, 'admin')];
    await service.verify(a);
    await service.verify(b);
    await service.verify(a); // a is now the most recently used
    await service.verify(c); // full: b goes
    verifications.mockClear();

    await service.verify(a);
    await service.verify(c);
    expect(verifications).toHaveBeenCalledTimes(0);
    expect(await service.verify(b)).toEqual({ userId: USER_ID, role: 'user' });
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('hands out a frozen principal: a request cannot change what the next one with the token gets', async () => {
    const service = new AccessTokenService(OPTIONS);
    const token = await service.sign(USER_ID, 'user');

    const principal = await service.verify(token);

    expect(Object.isFrozen(principal)).toBe(true);
    expect(() => Object.assign(principal as object, { role: 'admin' })).toThrow(TypeError);
    expect(await service.verify(token)).toEqual({ userId: USER_ID, role: 'user' });
  });
});
