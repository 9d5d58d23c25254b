import type { UserRole } from '@sokoul/persistence';

/** Who is calling: the authenticated user, as the access token says. */
export interface Principal {
  userId: string;
  role: UserRole;
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}
