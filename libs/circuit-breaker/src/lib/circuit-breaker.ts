export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe call is let through. */
  openMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * Stops calling a remote service that keeps failing: after `failureThreshold` failures in a row
 * no call is made for `openMs` (the caller falls back meanwhile: the oracle's heuristic, the
 * scout's search by text); then one call probes it, and its outcome closes the breaker or opens
 * it again. A 429 may ask for a longer wait than `openMs`. One per process: replicas learn
 * for themselves.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() >= this.openUntil) return 'half-open';
    return this.current;
  }

  /** Whether a call may be made now; in half-open, only the first caller gets to probe. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    this.set('half-open');
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.probing = false;
    this.set('closed');
  }

  /** A failed call; `retryAfterMs` when the server said how long to stay away. */
  failed(retryAfterMs?: number): void {
    this.failures += 1;
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe || this.failures >= this.options.failureThreshold || retryAfterMs !== undefined) {
      this.openUntil = this.now() + Math.max(this.options.openMs, retryAfterMs ?? 0);
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
