import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { UserRole } from '@sokoul/persistence';
import { ACCESS_OPTIONS, type AccessOptions } from './access.options';
import type { Principal } from './principal';

const ALGORITHM = 'HS256';

/**
 * Short-lived JWT access tokens. Verification pins the algorithm (so `alg: none` and
 * algorithm-confusion tokens fail), the issuer, the audience and the expiry.
 */
@Injectable()
export class AccessTokenService {
  private readonly key: Uint8Array;

  constructor(@Inject(ACCESS_OPTIONS) private readonly options: AccessOptions) {
    this.key = new TextEncoder().encode(options.jwtSecret);
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
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'user')) return undefined;
      return { userId: payload.sub, role };
    } catch {
      return undefined;
    }
  }
}
