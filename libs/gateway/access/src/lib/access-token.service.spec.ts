import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { AccessTokenService } from './access-token.service';
import type { AccessOptions } from './access.options';

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
