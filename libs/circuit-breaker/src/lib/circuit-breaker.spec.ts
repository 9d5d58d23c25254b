import { type BreakerState, CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  let changes: BreakerState[];
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 60_000, now: () => now, onStateChange: (state) => changes.push(state) });

  beforeEach(() => {
    now = 1_000_000;
    changes = [];
  });

  it('lets calls through until failures in a row reach the threshold', () => {
    const b = breaker();
    b.failed();
    b.failed();
    expect(b.allow()).toBe(true);
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    b.failed();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
  });

  it('lets exactly one probe through once the open time has passed', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now += 60_000;
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
  });

  it('closes on a successful probe and opens again on a failed one', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now += 60_000;
    b.allow();
    b.failed();
    expect(b.state).toBe('open');
    now += 60_000;
    b.allow();
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('stays away as long as a 429 asked, at once', () => {
    const b = breaker();
    b.failed(300_000);
    expect(b.state).toBe('open');
    now += 60_000;
    expect(b.allow()).toBe(false);
    now += 240_000;
    expect(b.allow()).toBe(true);
  });
});
