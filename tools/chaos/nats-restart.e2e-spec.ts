import { type NatsRestartResult, runNatsRestart } from './scenarios/nats-restart';

/** Issue #9: NATS restarted mid-run. Runs the scenario at CI scale and reads its figures as the specification. */
describe('chaos: NATS restarted mid-run (its own nats-server, JetStream on disk)', () => {
  let result: NatsRestartResult;

  beforeAll(async () => {
    result = await runNatsRestart('ci');
  }, 300_000);

  it('loses nothing and duplicates nothing', () => {
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
  });

  it('completes every search it answered 202, including those accepted around the restart', () => {
    expect(result.verdicts.accepted).toBeGreaterThan(0);
    expect(result.verdicts.lostIds).toEqual([]);
  });

  it('answers requests that meet the outage with 202 or a retryable 503 (problem+json, Retry-After), never anything else and never a hang', () => {
    expect(result.verdicts.sentDuringOutage).toBeGreaterThan(0);
    expect(result.verdicts.unexpectedStatuses).toEqual([]);
    expect(result.http5xx).toBe(result.verdicts.retryable503);
  });

  it('lets the services reconnect by themselves: same processes, all ready again', () => {
    expect(result.verdicts.sameProcesses).toBe(true);
    expect(result.verdicts.readyAfter).toEqual([200, 200, 200]);
  });
});
