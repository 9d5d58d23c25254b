import { POSTGRES_OUTAGE_BOUND_MS, type PostgresOutageResult, runPostgresOutage } from './scenarios/postgres-outage';

/** Issue #9: Postgres unavailable, and a connection pool exhausted. Runs the scenario at CI scale and reads its figures as the specification. */
describe('chaos: Postgres unavailable for a while, and a connection pool exhausted', () => {
  let result: PostgresOutageResult;

  beforeAll(async () => {
    result = await runPostgresOutage('ci');
  }, 300_000);

  it('loses nothing and duplicates nothing: every search accepted around the outage completes, none dead-lettered', () => {
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.verdicts.accepted).toBeGreaterThan(0);
    expect(result.verdicts.lostIds).toEqual([]);
    expect(result.verdicts.deadLetters).toBe(0);
  });

  it("nak's the messages a worker could not handle while Postgres was away, and has them redelivered", () => {
    expect(result.verdicts.nakedWhileAway).toBeGreaterThan(0);
    expect(result.verdicts.lostIds).toEqual([]);
  });

  it('turns readiness red while Postgres is away and green again without restarting anything', () => {
    expect(result.verdicts.gatewayRedThenGreen).toBe(true);
    expect(result.verdicts.scoutRedThenGreen).toBe(true);
    expect(result.verdicts.sameProcesses).toBe(true);
  });

  it('answers API requests during the outage with 503 problem+json and Retry-After, within a bound: no hang', () => {
    const { sent, retryable503, unexpectedStatuses, slowestMs } = result.verdicts.duringOutage;
    expect(sent).toBeGreaterThan(0);
    expect(unexpectedStatuses).toEqual([]);
    expect(retryable503).toBe(sent);
    expect(slowestMs).toBeLessThan(POSTGRES_OUTAGE_BOUND_MS);
  });

  it('answers 503 with Retry-After quickly when the pool is exhausted, reports not ready, and recovers once connections free up', () => {
    const { statuses, retryAfter, slowestMs, readyWhileHeld, heldStatuses, readyAfter } = result.verdicts.exhaustion;
    expect(statuses.every((s) => s === 503)).toBe(true);
    expect(retryAfter.every((r) => r !== null && /^\d+$/.test(r))).toBe(true);
    expect(slowestMs).toBeLessThan(POSTGRES_OUTAGE_BOUND_MS);
    expect(readyWhileHeld).toBe(503);
    expect(heldStatuses.every((s) => s === 200)).toBe(true);
    expect(readyAfter).toBe(200);
  });
});
