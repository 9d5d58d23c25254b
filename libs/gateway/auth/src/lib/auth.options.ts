export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  refreshTokenTtlSeconds: number;
  /** Registration mode until an admin changes it: `open` or `closed` (the first account is always allowed). */
  defaultRegistration: RegistrationMode;
  /** Failed logins allowed per account, and per client IP, in `loginThrottleWindowSeconds`. */
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  loginThrottleWindowSeconds: number;
}

export type RegistrationMode = 'open' | 'closed';
