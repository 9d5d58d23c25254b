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
 * Counts a hit in a fixed window: INCR, give the key the window as its expiry only if it has none
 * (the first hit of a window, or a key left without one), and answer the count and the
 * milliseconds left. Atomic, and one command on the wire: a MULTI of the same three commands
 * is five commands and five replies for ioredis to encode and parse, on every request.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('PTTL', KEYS[1])}
`;

/** The name ioredis registers the script under (the gateway bench's stub-rate-limit.js patches it by this name). */
export const RATE_LIMIT_HIT_COMMAND = 'sokoulRateLimitHit';

type ScriptedRedis = Redis & { [RATE_LIMIT_HIT_COMMAND](key: string, windowMs: number): Promise<[number, number]> };

/**
 * Fixed-window counters in Redis, so every gateway replica counts against the same budget.
 * One round trip per hit (a Lua script, sent by its SHA once Redis knows it).
 */
@Injectable()
export class RateLimiter {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS_CLIENT) redis: Redis) {
    // Defining it again on a shared client (login throttling has a limiter too) is harmless.
    redis.defineCommand(RATE_LIMIT_HIT_COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState> {
    const [count, ttlMs] = await this.redis[RATE_LIMIT_HIT_COMMAND](`ratelimit:${key}`, windowSeconds * 1000);
    return this.state(Number(count), Number(ttlMs), limit, windowSeconds);
  }

  /** Where `key` stands, without counting a hit. */
  async peek(key: string, limit: number, windowSeconds: number): Promise<RateLimitState> {
    const [count, ttlMs] = await Promise.all([this.redis.get(`ratelimit:${key}`), this.redis.pttl(`ratelimit:${key}`)]);
    return this.state(Number(count ?? 0), ttlMs, limit, windowSeconds, false);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`ratelimit:${key}`);
  }

  private state(count: number, ttlMs: number, limit: number, windowSeconds: number, counted = true): RateLimitState {
    const used = counted ? count : count + 1;
    return {
      allowed: used <= limit,
      limit,
      remaining: Math.max(0, limit - used),
      // Rounded up: a client that waits this long finds a new window.
      resetSeconds: ttlMs > 0 ? Math.ceil(ttlMs / 1000) : windowSeconds,
    };
  }
}
