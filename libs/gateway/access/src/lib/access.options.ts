export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

export interface AccessOptions {
  /** HMAC key of access tokens: at least 32 bytes of randomness, shared by gateway replicas. */
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  issuer: string;
  audience: string;
  /** How many verified tokens to remember until they expire (default 10,000; 0 turns it off). */
  verifiedTokenCacheSize?: number;
}
