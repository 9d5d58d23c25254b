import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimiter, TooManyRequestsProblem } from '@sokoul/gateway/http';
import type { AuthenticatedRequest } from './access.decorators';
import { AccessTokenService } from './access-token.service';
import { bearerToken } from './bearer-token';

const WINDOW_SECONDS = 60;
export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export interface RateLimitOptions {
  perUserPerMinute: number;
  perIpPerMinute: number;
}

/**
 * Per-minute request budgets shared by all gateway replicas: per user once authenticated,
 * per client IP otherwise. Answers carry `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset`; over budget is a 429 with `Retry-After`. If Redis cannot be reached the
 * request is let through (availability over throttling; login throttling fails closed).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly limiter: RateLimiter,
    private readonly tokens: AccessTokenService,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (!request.path.toLowerCase().startsWith('/api/')) return true;
    const response = context.switchToHttp().getResponse<Response>();
    // Guards of different modules run in no promised order: read the caller here if needed.
    const principal = request.principal ?? (await this.tokens.verify(bearerToken(request) ?? ''));
    const [key, limit] = principal
      ? [`user:${principal.userId}`, this.options.perUserPerMinute]
      : [`ip:${request.ip}`, this.options.perIpPerMinute];
    let state;
    try {
      state = await this.limiter.hit(key, limit, WINDOW_SECONDS);
    } catch (error) {
      this.logger.warn(`rate limit not checked: ${(error as Error).message}`);
      return true;
    }
    response.setHeader('RateLimit-Limit', String(state.limit));
    response.setHeader('RateLimit-Remaining', String(state.remaining));
    response.setHeader('RateLimit-Reset', String(state.resetSeconds));
    if (!state.allowed) throw new TooManyRequestsProblem(`At most ${limit} requests a minute; retry later.`, state.resetSeconds);
    return true;
  }
}
