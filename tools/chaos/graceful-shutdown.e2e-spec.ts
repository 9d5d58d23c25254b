import { runGracefulShutdown } from './scenarios/graceful-shutdown';

describe('graceful-shutdown: SIGTERM to each service under load', () => {
  it('has every service exit 0, finish or release what it held, and lose or repeat nothing', async () => {
    const { result, details } = await runGracefulShutdown('ci');

    expect(details.outcomes.map((o) => o.service)).toEqual(['gateway', 'scout', 'oracle', 'hunter', 'sentinel']);
    for (const outcome of details.outcomes) {
      expect({ service: outcome.service, exit: outcome.exit }).toEqual({ service: outcome.service, exit: { code: 0, signal: null } });
      expect({ service: outcome.service, lost: outcome.lost, duplicated: outcome.duplicated }).toEqual({ service: outcome.service, lost: 0, duplicated: 0 });
    }
    const gateway = details.outcomes.find((o) => o.service === 'gateway');
    // The slow requests were provably in flight when the signal came.
    expect(gateway?.inFlight).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.http5xx).toBe(0);
  });
});
