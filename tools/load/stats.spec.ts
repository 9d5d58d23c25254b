import { quantile, recoveryMs, type Sample, slope } from './stats';

describe('load statistics', () => {
  it('takes quantiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('fits a least-squares slope (a steady series has none)', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 4 }, { x: 1, y: 4 }, { x: 2, y: 4 }])).toBe(0);
    expect(slope([{ x: 0, y: 4 }])).toBe(0);
  });

  it('finds the first window after the spike back within the factor of the pre-spike p99, and none when it never gets there', () => {
    // 10 req/s for 10 s after a spike ending at t=0: slow (200 ms) for 3 s, then 10 ms.
    const samples: Sample[] = Array.from({ length: 100 }, (_, i) => ({ scheduledAt: i * 100, latencyMs: i < 30 ? 200 : 10, status: 200 }));
    expect(recoveryMs(samples, 0, 10, { windowMs: 2_000, stepMs: 500, factor: 1.2 })).toBe(3_000);
    expect(recoveryMs(samples, 0, 5, { windowMs: 2_000, stepMs: 500, factor: 1.2 })).toBeNull();
  });

  it('does not call a window with errors recovered', () => {
    const samples: Sample[] = Array.from({ length: 50 }, (_, i) => ({ scheduledAt: i * 100, latencyMs: 10, status: i < 20 ? 503 : 200 }));
    expect(recoveryMs(samples, 0, 10, { windowMs: 1_000, stepMs: 500, factor: 1.2 })).toBe(2_000);
  });
});
