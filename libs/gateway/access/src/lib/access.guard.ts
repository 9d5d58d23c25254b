import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '@sokoul/gateway/http';
import type { UserRole } from '@sokoul/persistence';
import { type AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_ROLE } from './access.decorators';
import { AccessTokenService } from './access-token.service';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { bearerToken } from './bearer-token';
import type { Principal } from './principal';

/**
 * Probes and Prometheus scrape these without credentials. Compared with the matched route
 * template, never the raw URL, so no spelling of a path (case, encoding) slips past.
 */
const UNAUTHENTICATED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every HTTP route requires a valid bearer access token, or an `X-Api-Key`, unless marked
 * `@Public()` or listed above; `@RequireRole('admin')` adds a role check. An API key acts for
 * its owner within its scopes: `read` only reads, `write` may change things, `admin` reaches
 * admin routes (if its owner is an admin). Keys are honoured where persistence is available.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (UNAUTHENTICATED_ROUTES.has((request.route as { path?: string } | undefined)?.path ?? '')) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const principal = await this.authenticate(request);
    if (!principal) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'unauthenticated',
        'Authentication required',
        'Send a valid access token as "Authorization: Bearer <token>", or an API key as "X-Api-Key".',
        {},
        { 'WWW-Authenticate': 'Bearer realm="sokoul"' },
      );
    }
    request.principal = principal;
    const role = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets);
    if (role && principal.role !== role) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'forbidden', 'Forbidden', `This needs the ${role} role.`);
    }
    if (principal.scopes) {
      if (role === 'admin' && !principal.scopes.includes('admin')) {
        throw new ProblemException(HttpStatus.FORBIDDEN, 'insufficient-scope', 'Forbidden', 'This API key lacks the admin scope.');
      }
      if (!SAFE_METHODS.has(request.method) && !principal.scopes.includes('write') && !principal.scopes.includes('admin')) {
        throw new ProblemException(HttpStatus.FORBIDDEN, 'insufficient-scope', 'Forbidden', 'This API key is read-only.');
      }
    }
    return true;
  }

  private async authenticate(request: Request): Promise<Principal | undefined> {
    const token = bearerToken(request);
    if (token) return this.tokens.verify(token);
    const apiKey = request.header('x-api-key');
    return apiKey ? this.apiKeys.authenticate(apiKey) : undefined;
  }
}
