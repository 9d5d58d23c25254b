import type { ApiKeyScope, UserRole } from '@sokoul/persistence';

/** Who is calling: the authenticated user, as the access token says. */
export interface Principal {
  userId: string;
  role: UserRole;
  /** Set when the caller used an API key: what the key may do. Absent for a user session. */
  scopes?: ApiKeyScope[];
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}
