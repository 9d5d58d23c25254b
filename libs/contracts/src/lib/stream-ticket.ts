import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * What the gateway gives a hunter to let one client read one file of one active download: the
 * gateway checked who may (object-level authorization), the hunter checks only this ticket.
 * HMAC-SHA256 under a key derived from the secret both services already share
 * (`SECRETS_ENCRYPTION_KEY`), valid for a minute: a player's next range request gets a new one.
 */
export interface StreamTicket {
  downloadId: string;
  fileIndex: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'sokoul', 'hunter stream tickets v1', 32));
    keys.set(secret, key);
  }
  return key;
}

function mac(secret: string, ticket: StreamTicket): Buffer {
  return createHmac('sha256', keyFor(secret)).update(`${ticket.downloadId}\n${ticket.fileIndex}\n${ticket.expiresAt}`).digest();
}

export function signStreamTicket(secret: string, ticket: StreamTicket): string {
  return `${ticket.expiresAt}.${mac(secret, ticket).toString('base64url')}`;
}

/** True when `token` was signed for exactly this download and file, and has not expired. */
export function verifyStreamTicket(secret: string, token: string, expected: Omit<StreamTicket, 'expiresAt'>, now = Date.now()): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt < now) return false;
  const given = Buffer.from(match[2], 'base64url');
  const wanted = mac(secret, { ...expected, expiresAt });
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
