import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { UserRole } from '@sokoul/persistence';
import { ACCESS_OPTIONS, type AccessOptions } from './access.options';
import type { Principal } from './principal';

const ALGORITHM = 'HS256';
const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface VerifiedToken {
  principal: Readonly<Principal>;
  /** The token's `exp`, in ms: the cache answers strictly before it, as verification would. */
  expiresAtMs: number;
}

/**
 * Short-lived JWT access tokens. Verification pins the algorithm (so `alg: none` and
 * algorithm-confusion tokens fail), the issuer, the audience and the expiry.
 *
 * A token that verified is remembered until its `exp`, never longer, in a bounded LRU map: a
 * client polling with the same token costs one verification (the HMAC, JSON and claim checks)
 * per token instead of one per request. Nothing else about a token can change before it
 * expires (the key, issuer and audience are fixed for the process; tokens are not revoked), so
 * the answer is the one verification would give. Only valid tokens are remembered, so no one
 * can fill the map with tokens the gateway did not sign. The map is keyed by the token's
 * SHA-256, like refresh tokens and API keys in the database: a lookup never compares live
 * credentials byte by byte, and the map holds no usable token.
 */
@Injectable()
export class AccessTokenService {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly cacheSize: number;

  constructor(@Inject(ACCESS_OPTIONS) private readonly options: AccessOptions) {
    this.key = new TextEncoder().encode(options.jwtSecret);
    this.cacheSize = options.verifiedTokenCacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
  }

  get ttlSeconds(): number {
    return this.options.accessTokenTtlSeconds;
  }

  sign(userId: string, role: UserRole): Promise<string> {
    return new SignJWT({ role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.accessTokenTtlSeconds}s`)
      .sign(this.key);
  }

  /** The principal of a valid token, or undefined for anything else (never throws). */
  async verify(token: string): Promise<Principal | undefined> {
    const digest = this.cacheSize > 0 ? createHash('sha256').update(token).digest('base64') : '';
    const cached = this.verified.get(digest);
    if (cached) {
      this.verified.delete(digest);
      if (Date.now() < cached.expiresAtMs) {
        // Last in the map is the most recently used; the first is the next to go.
        this.verified.set(digest, cached);
        return cached.principal;
      }
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'user')) return undefined;
      // Frozen: shared by every request that presents this token.
      const principal: Readonly<Principal> = Object.freeze({ userId: payload.sub, role });
      if (this.cacheSize > 0) this.remember(digest, { principal, expiresAtMs: (payload.exp as number) * 1000 });
      return principal;
    } catch {
      return undefined;
    }
  }

  private remember(digest: string, entry: VerifiedToken): void {
    this.verified.set(digest, entry);
    if (this.verified.size > this.cacheSize) this.verified.delete(this.verified.keys().next().value as string);
  }
}
