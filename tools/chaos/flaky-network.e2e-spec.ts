import { type FlakyNetworkVerdicts, runFlakyNetwork, SEARCH_BOUND_MS } from './scenarios/flaky-network';

/** Issue #9's flaky network at CI scale: the real services, their outside calls through fault proxies. */
describe('chaos: flaky network to TMDB, the indexers and the model', () => {
  let verdicts: FlakyNetworkVerdicts;
  let notes: string[];

  beforeAll(async () => {
    const run = await runFlakyNetwork('ci');
    verdicts = run.verdicts;
    notes = run.result.notes;
    process.stdout.write(`${notes.join('\n')}\n`);
  }, 280_000);

  it('ends every search, with each indexer reported as ok, failed or skipped', () => {
    expect(verdicts.searches.length).toBeGreaterThan(20);
    expect(verdicts.hung).toBe(0);
    expect(verdicts.refused).toEqual([]);
    expect(verdicts.badReports).toBe(0);
    expect(verdicts.indexerOutcomes['failed']).toBeGreaterThan(0);
    expect(verdicts.indexerOutcomes['ok']).toBeGreaterThan(0);
  });

  it('keeps the scout within the configured timeouts on every search', () => {
    expect(verdicts.maxScoutMs).toBeLessThanOrEqual(SEARCH_BOUND_MS);
  });

  it("opens the indexers' backoff during the faults and closes it after", () => {
    expect(verdicts.backoffOpened.length).toBeGreaterThan(0);
    expect(verdicts.backoffClosedAfterMs).not.toBeNull();
  });

  it("opens the model's circuit breaker during the faults and closes it after, with every release judged", () => {
    expect(verdicts.breakerOpenings).toBeGreaterThan(0);
    expect(verdicts.breakerClosedAfterMs).not.toBeNull();
    expect(verdicts.unjudgedReleases).toBe(0);
  });

  it("keeps the gateway's unrelated requests fast and error-free while the outside is flaky", () => {
    expect(verdicts.http5xx).toBe(0);
    expect(verdicts.unrelated.non2xx).toBe(0);
    expect(verdicts.unrelated.errors).toBe(0);
    expect(verdicts.unrelated.withinBound).toBe(true);
  });
});
