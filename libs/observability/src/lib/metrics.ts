import { Counter, Gauge, Histogram, register } from 'prom-client';

/*
 * Metrics are registered once in prom-client's default registry, which /metrics serves.
 * Asking twice for the same name returns the existing metric, so libraries can declare what
 * they record without coordinating (and Nest test modules can be built more than once).
 */

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L>) ?? new Counter({ name, help, labelNames });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return (register.getSingleMetric(name) as Gauge<L>) ?? new Gauge({ name, help, labelNames });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
): Histogram<L> {
  return (register.getSingleMetric(name) as Histogram<L>) ?? new Histogram({ name, help, labelNames, buckets });
}
