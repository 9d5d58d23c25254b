import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What an earlier request with the same key left: still running, or its reply. */
export interface IdempotencyRecord {
  state: 'pending' | 'done';
  /** SHA-256 of the request body: the same key with another body is refused. */
  fingerprint: string;
  status: number | null;
  body: unknown;
}

interface RecordRow {
  state: 'pending' | 'done';
  fingerprint: string;
  status: number | null;
  body: unknown;
}

/**
 * `Idempotency-Key` records: a claim while the request runs (a short lease), then its reply
 * (kept a day). An expired record counts as absent everywhere, whether or not it was purged.
 */
@Injectable()
export class IdempotencyKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims `storeKey` for `leaseSeconds`, or returns what holds it. Atomic: of concurrent
   * claims exactly one gets null. An expired record is taken over.
   */
  async claim(storeKey: string, fingerprint: string, leaseSeconds: number): Promise<IdempotencyRecord | null> {
    for (;;) {
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (store_key, fingerprint, state, status, body, expires_at)
         VALUES ($1, $2, 'pending', NULL, NULL, now() + make_interval(secs => $3))
         ON CONFLICT (store_key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, state = 'pending', status = NULL, body = NULL, expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at <= now()
         RETURNING store_key`,
        [storeKey, fingerprint, leaseSeconds],
      );
      if (claimed.length) return null;
      const [held]: RecordRow[] = await this.dataSource.query(
        `SELECT state, fingerprint, status, body FROM idempotency_keys WHERE store_key = $1 AND expires_at > now()`,
        [storeKey],
      );
      // Expired between the two statements: claim again.
      if (held) return { state: held.state, fingerprint: held.fingerprint, status: held.status, body: held.body };
    }
  }

  /** The request ran: its reply answers retries for `ttlSeconds`. */
  async complete(storeKey: string, status: number, body: unknown, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'done', status = $2, body = $3::jsonb, expires_at = now() + make_interval(secs => $4)
       WHERE store_key = $1 AND state = 'pending'`,
      [storeKey, status, JSON.stringify(body ?? null), ttlSeconds],
    );
  }

  /** The request failed: a retry runs it again. */
  async release(storeKey: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE store_key = $1 AND state = 'pending'`, [storeKey]);
  }

  /** Removes expired records; how many went. */
  async purgeExpired(): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
    return affected;
  }
}
