import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '@sokoul/redis';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';

export type GateDecision = { allowed: true } | { allowed: false; reason: 'backing-off' | 'rate-limited' | 'budget-exhausted'; retryInMs: number };

export interface IndexerHealth {
  indexerId: string;
  /** Consecutive failures; 0 when the last query worked. */
  failures: number;
  /** Until when queries are skipped, because it kept failing or it said 429. */
  blockedForMs: number;
  reason: 'backing-off' | 'rate-limited' | null;
}

const keys = (id: string) => ({
  budget: (window: number) => `indexer:${id}:budget:${window}`,
  failures: `indexer:${id}:failures`,
  backoff: `indexer:${id}:backoff`,
  rateLimited: `indexer:${id}:rate-limited`,
});

/**
 * Decides, for all scout replicas at once (state in Redis), whether an indexer may be asked
 * now: a request budget per minute, a 429's `Retry-After` honoured by everyone, and an
 * exponential backoff for an indexer that keeps failing, so one dead indexer does not slow
 * every search. Redis unreachable: the gate opens (searches matter more than politeness for
 * the minutes Redis is down) and says so in the log.
 */
@Injectable()
export class IndexerGate {
  private readonly logger = new Logger(IndexerGate.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(SCOUT_OPTIONS) private readonly options: ScoutOptions,
  ) {}

  async admit(indexerId: string, now = Date.now()): Promise<GateDecision> {
    const k = keys(indexerId);
    try {
      const [rateLimitedTtl, backoffTtl] = await Promise.all([this.redis.pttl(k.rateLimited), this.redis.pttl(k.backoff)]);
      if (rateLimitedTtl > 0) return { allowed: false, reason: 'rate-limited', retryInMs: rateLimitedTtl };
      if (backoffTtl > 0) return { allowed: false, reason: 'backing-off', retryInMs: backoffTtl };
      const window = Math.floor(now / 60_000);
      const [[, used]] = (await this.redis.multi().incr(k.budget(window)).pexpire(k.budget(window), 120_000).exec()) as [[Error | null, number]];
      if (used > this.options.indexerRequestsPerMinute) {
        return { allowed: false, reason: 'budget-exhausted', retryInMs: (window + 1) * 60_000 - now };
      }
      return { allowed: true };
    } catch (error) {
      this.logger.warn(`indexer gate unavailable, letting the query through: ${(error as Error).message}`);
      return { allowed: true };
    }
  }

  async succeeded(indexerId: string): Promise<void> {
    const k = keys(indexerId);
    await this.redis.del(k.failures, k.backoff).catch(() => undefined);
  }

  /** Backs off 2^(n-1) × base after the n-th consecutive failure, up to the maximum. */
  async failed(indexerId: string): Promise<number> {
    const k = keys(indexerId);
    try {
      const failures = await this.redis.incr(k.failures);
      await this.redis.pexpire(k.failures, this.options.indexerBackoffMaxMs * 4);
      const backoffMs = Math.min(this.options.indexerBackoffBaseMs * 2 ** (failures - 1), this.options.indexerBackoffMaxMs);
      await this.redis.set(k.backoff, String(failures), 'PX', backoffMs);
      return backoffMs;
    } catch {
      return 0;
    }
  }

  /** The indexer answered 429: nobody asks it again before `retryAfterMs`. */
  async rateLimited(indexerId: string, retryAfterMs: number): Promise<void> {
    const ms = Math.max(1_000, Math.min(retryAfterMs, 24 * 3_600_000));
    await this.redis.set(keys(indexerId).rateLimited, '1', 'PX', ms).catch(() => undefined);
  }

  async health(indexerId: string): Promise<IndexerHealth> {
    const k = keys(indexerId);
    const [failures, rateLimitedTtl, backoffTtl] = await Promise.all([this.redis.get(k.failures), this.redis.pttl(k.rateLimited), this.redis.pttl(k.backoff)]);
    const reason = rateLimitedTtl > 0 ? 'rate-limited' : backoffTtl > 0 ? 'backing-off' : null;
    return { indexerId, failures: Number(failures ?? 0), blockedForMs: Math.max(rateLimitedTtl, backoffTtl, 0), reason };
  }
}
