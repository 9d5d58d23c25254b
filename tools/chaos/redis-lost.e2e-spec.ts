import { type RedisLostResult, runRedisLost } from './scenarios/redis-lost';

/** Issue #9: Redis lost (killed and restarted empty). Runs the scenario at CI scale and reads its figures as the specification. */
describe('chaos: Redis killed and restarted empty', () => {
  let result: RedisLostResult;

  beforeAll(async () => {
    result = await runRedisLost('ci');
  }, 300_000);

  it('loses nothing and duplicates nothing: every search completes, before, during and after', () => {
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.verdicts.lostIds).toEqual([]);
    expect(result.verdicts.sameProcesses).toBe(true);
  });

  it('keeps searching and judging without the caches while Redis is down, rebuilds them afterwards, and hits them again', () => {
    const { cold, warm, whileDown, rebuilt, hitAgain } = result.verdicts.caches;
    expect(cold.tmdbRequests).toBeGreaterThan(0);
    expect(cold.modelCompletions).toBeGreaterThan(0);
    expect(warm).toEqual({ tmdbRequests: 0, modelCompletions: 0 });
    // Each search completed and every release was judged (see judgedSearch); TMDB and the model were asked directly.
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.every((w) => w.tmdbRequests > 0 && w.modelCompletions > 0)).toBe(true);
    expect(rebuilt.tmdbRequests).toBeGreaterThan(0);
    expect(rebuilt.modelCompletions).toBeGreaterThan(0);
    expect(hitAgain).toEqual({ tmdbRequests: 0, modelCompletions: 0 });
  });

  it('lets requests through the per-user rate limit while Redis is down (fails open, with a warning), and counts again afterwards', () => {
    const { limitedBefore, whileDown, limitedAfter, warnings } = result.verdicts.rateLimit;
    expect(limitedBefore).toBe(1);
    expect(whileDown.every((s) => s === 200)).toBe(true);
    expect(warnings).toBeGreaterThanOrEqual(whileDown.length);
    expect(limitedAfter).toBe(1);
  });

  it('refuses sign-ins while Redis is down with a retryable 503 (fails closed)', () => {
    expect(result.verdicts.failsClosed.login).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
  });

  it('replays an Idempotency-Key retry before, while and after Redis is away: the records live in Postgres', () => {
    expect(result.verdicts.idempotency).toEqual({ firstStatus: 202, replayedBefore: true, replayedWhileDown: true, replayedAfterLoss: true });
  });

  it('keeps every account, search and watchlist item, and every session: tokens, refresh and sign-in work afterwards', () => {
    expect(result.verdicts.data.kept).toBe(true);
    expect(result.verdicts.sessions).toEqual({ whileDown: 200, refreshAfter: 200, oldTokenAfter: 200, loginAfter: 200 });
    expect(result.verdicts.readiness).toEqual({ whileDown: 503, after: 200 });
  });
});
