/**
 * A dependency a service needs to do its work. `check` resolves when the dependency answers
 * and rejects (with a reason a human can act on) when it does not.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
