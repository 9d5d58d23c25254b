import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '@sokoul/gateway/http';
import { RATE_LIMIT_OPTIONS, RateLimitGuard, type RateLimitOptions } from './rate-limit.guard';

/** Per-user and per-IP request budgets for the whole gateway (needs AccessModule and RedisModule). */
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [{ provide: RATE_LIMIT_OPTIONS, useValue: options }, RateLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
    };
  }
}
