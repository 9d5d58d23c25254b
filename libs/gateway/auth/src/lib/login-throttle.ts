import { Inject, Injectable } from '@nestjs/common';
import { RateLimiter, ServiceUnavailableProblem, TooManyRequestsProblem } from '@sokoul/gateway/http';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';

/**
 * Brute-force brake on logins: failures are counted per account and per client IP (in Redis,
 * shared by every gateway replica); past the limit, logins answer 429 until the window ends,
 * whether the password is right or not. If the counters cannot be read, logins are refused
 * (503): the brake never silently disappears.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async check(login: string, ip: string | null): Promise<void> {
    const { window, keys } = this.keysFor(login, ip);
    let states;
    try {
      states = await Promise.all(keys.map(([key, limit]) => this.limiter.peek(key, limit, window)));
    } catch {
      throw new ServiceUnavailableProblem('Sign-in is temporarily unavailable.', 5);
    }
    const blocked = states.filter((s) => !s.allowed);
    if (blocked.length > 0) {
      throw new TooManyRequestsProblem('Too many failed sign-ins; wait before trying again.', Math.max(...blocked.map((s) => s.resetSeconds)));
    }
  }

  async failed(login: string, ip: string | null): Promise<void> {
    const { window, keys } = this.keysFor(login, ip);
    await Promise.all(keys.map(([key, limit]) => this.limiter.hit(key, limit, window))).catch(() => undefined);
  }

  async succeeded(login: string): Promise<void> {
    await this.limiter.reset(this.accountKey(login)).catch(() => undefined);
  }

  private accountKey(login: string): string {
    return `login:account:${login.toLowerCase()}`;
  }

  private keysFor(login: string, ip: string | null): { window: number; keys: Array<[string, number]> } {
    return {
      window: this.options.loginThrottleWindowSeconds,
      keys: [
        [this.accountKey(login), this.options.loginFailuresPerAccount],
        [`login:ip:${ip ?? 'unknown'}`, this.options.loginFailuresPerIp],
      ],
    };
  }
}
