import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ReadinessCheck } from '@sokoul/observability';
import { REDIS_CLIENT } from './redis.tokens';

@Injectable()
export class RedisReadiness implements ReadinessCheck {
  readonly name = 'redis';

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async check(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`connection ${this.redis.status}`);
    await this.redis.ping();
  }
}
