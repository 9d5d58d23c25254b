import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '@sokoul/redis';

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/**
 * Fixed-window counters in Redis, so every gateway replica counts against the same budget.
 * One round trip per hit: INCR, and EXPIRE only when the key is new.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState> {
    const result = await this.redis.multi().incr(`ratelimit:${key}`).expire(`ratelimit:${key}`, windowSeconds, 'NX').ttl(`ratelimit:${key}`).exec();
    return this.state(Number(result?.[0]?.[1] ?? 0), Number(result?.[2]?.[1] ?? windowSeconds), limit, windowSeconds);
  }

  /** Where `key` stands, without counting a hit. */
  async peek(key: string, limit: number, windowSeconds: number): Promise<RateLimitState> {
    const [count, ttl] = await Promise.all([this.redis.get(`ratelimit:${key}`), this.redis.ttl(`ratelimit:${key}`)]);
    return this.state(Number(count ?? 0), ttl > 0 ? ttl : windowSeconds, limit, windowSeconds, false);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`ratelimit:${key}`);
  }

  private state(count: number, ttl: number, limit: number, windowSeconds: number, counted = true): RateLimitState {
    const used = counted ? count : count + 1;
    return {
      allowed: used <= limit,
      limit,
      remaining: Math.max(0, limit - used),
      resetSeconds: ttl > 0 ? ttl : windowSeconds,
    };
  }
}
