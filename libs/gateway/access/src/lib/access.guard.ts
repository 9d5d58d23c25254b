import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '@sokoul/gateway/http';
import type { UserRole } from '@sokoul/persistence';
import { type AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_ROLE } from './access.decorators';
import { AccessTokenService } from './access-token.service';
import { bearerToken } from './bearer-token';

/**
 * Probes and Prometheus scrape these without credentials. Compared with the matched route
 * template, never the raw URL, so no spelling of a path (case, encoding) slips past.
 */
const UNAUTHENTICATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Every HTTP route requires a valid bearer access token unless marked `@Public()` or listed
 * above; `@RequireRole('admin')` adds a role check.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (UNAUTHENTICATED_ROUTES.has((request.route as { path?: string } | undefined)?.path ?? '')) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const token = bearerToken(request);
    const principal = token ? await this.tokens.verify(token) : undefined;
    if (!principal) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'unauthenticated',
        'Authentication required',
        'Send a valid access token as "Authorization: Bearer <token>".',
        {},
        { 'WWW-Authenticate': 'Bearer realm="sokoul"' },
      );
    }
    request.principal = principal;
    const role = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets);
    if (role && principal.role !== role) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'forbidden', 'Forbidden', `This needs the ${role} role.`);
    }
    return true;
  }
}
