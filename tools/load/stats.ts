/** The q-quantile (0..1) of `values` by nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return 0;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

export interface Sample {
  /** When the request was due (open model: its latency counts from here, not from when it left). */
  scheduledAt: number;
  latencyMs: number;
  /** HTTP status; 0 for a connection error or a timeout. */
  status: number;
  /** With status 0: `timeout` or the socket error's code (ECONNRESET…). */
  error?: string;
}

export const isError = (s: Sample) => s.status === 0 || s.status >= 400;

/**
 * Recovery after a spike, in ms from its end: the start of the first window of `windowMs`
 * (requests by their due time, sliding by `stepMs`) whose p99 is back within `factor` × the
 * pre-spike p99 and that has no error. `null` when no window of the samples given gets there.
 */
export function recoveryMs(after: readonly Sample[], spikeEnd: number, prespikeP99: number, options: { windowMs: number; stepMs: number; factor: number }): number | null {
  const last = Math.max(...after.map((s) => s.scheduledAt));
  for (let start = spikeEnd; start + options.windowMs <= last + options.stepMs; start += options.stepMs) {
    const window = after.filter((s) => s.scheduledAt >= start && s.scheduledAt < start + options.windowMs);
    if (window.length === 0) continue;
    if (!window.some(isError) && quantile(window.map((s) => s.latencyMs), 0.99) <= options.factor * prespikeP99) return start - spikeEnd;
  }
  return null;
}
