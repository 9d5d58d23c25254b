import { runWorkerKilled } from './scenarios/worker-killed';

describe('worker-killed: scouts, oracles and hunters SIGKILLed at random under searches and downloads', () => {
  it('completes every search once and every download with the swarm’s bytes, with nothing duplicated or left behind', async () => {
    const { result, details } = await runWorkerKilled('ci');

    expect(details.kills.scout ?? 0).toBeGreaterThan(0);
    expect(details.kills.oracle ?? 0).toBeGreaterThan(0);
    expect(details.kills.hunter ?? 0).toBeGreaterThan(0);
    expect(details.searches.notCompleted).toEqual([]);
    expect(details.searches.extraCompletedEvents).toBe(0);
    expect(details.searches.extraProcessedRecords).toBe(0);
    expect(details.searches.releaseCountMismatches).toBe(0);
    expect(details.searches.inconsistentQueries).toEqual([]);
    expect(details.searches.unjudgedReleases).toBe(0);
    expect(details.downloads.failures).toEqual([]);
    expect(details.downloads.completed).toBe(details.downloads.total);
    expect(details.downloads.duplicates).toBe(0);
    expect(details.orphanedClaims).toBe(0);
    expect(details.duplicateProcessedRecords).toBe(0);
    expect(details.commandsLeft).toBe(0);
    expect(details.deadLetters).toBe(0);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.http5xx).toBe(0);
  });
});
