import { createHash, randomBytes } from 'node:crypto';

/** `sk_` and 43 base64url characters (32 random bytes): recognisable in a leak scanner. */
export function newApiKey(): { value: string; prefix: string; hash: string } {
  const value = `sk_${randomBytes(32).toString('base64url')}`;
  return { value, prefix: value.slice(0, 10), hash: hashApiKey(value) };
}

/** Only the SHA-256 of a key is stored: a database leak does not leak working keys. */
export function hashApiKey(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
