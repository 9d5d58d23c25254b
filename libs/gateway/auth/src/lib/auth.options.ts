export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  refreshTokenTtlSeconds: number;
  /** Registration mode until an admin changes it: `open`, `invite` (an admin's invite code is needed) or `closed`; the first account is always allowed. */
  defaultRegistration: RegistrationMode;
  /** Failed logins allowed per account, and per client IP, in `loginThrottleWindowSeconds`. */
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  loginThrottleWindowSeconds: number;
}

export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];
