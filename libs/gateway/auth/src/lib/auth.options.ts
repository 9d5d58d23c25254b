export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  refreshTokenTtlSeconds: number;
  /** Registration mode until an admin changes it: `open` or `closed` (the first account is always allowed). */
  defaultRegistration: RegistrationMode;
}

export type RegistrationMode = 'open' | 'closed';
