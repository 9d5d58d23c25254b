import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { UserRole } from '@sokoul/persistence';
import type { Principal } from './principal';

export const PUBLIC_ROUTE = 'sokoul:public';
export const REQUIRED_ROLE = 'sokoul:role';

/** The route answers without authentication (login, registration, token refresh). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route requires this role (on top of authentication). */
export const RequireRole = (role: UserRole) => SetMetadata(REQUIRED_ROLE, role);

export type AuthenticatedRequest = { principal?: Principal };

/** The authenticated caller, set by AccessGuard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route AccessGuard did not authenticate');
  return principal;
});
