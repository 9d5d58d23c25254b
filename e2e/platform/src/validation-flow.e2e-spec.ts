import { type FakeLlm, type FakeTmdb, type FakeTorznabIndexer, startFakeLlm, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type ServiceProcess, eventually, type Account, getJson, openSocket, postJson, signUp, TestStack } from '@sokoul/testing';

interface Release {
  id: string;
  title: string;
  accepted: boolean;
  validation: { verdict: string; confidence: number; reasons: string[]; scoreAdjustment: number; judgedBy: string } | null;
}

/**
 * The oracle in the platform: a search's releases judged by a local OpenAI-compatible model
 * (two oracle replicas competing), the verdicts shown with the releases and pushed over the
 * WebSocket; the same names asked again come from the cache; with the model down, the
 * heuristic judges and nothing waits for it.
 */
describe('validation flow: scout → oracle (LLM, cache, heuristic) → judged releases', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let admin: Account;
  let alice: Account;
  let tmdb: FakeTmdb;
  let indexer: FakeTorznabIndexer;
  let llm: FakeLlm;
  const api = (path: string) => `${gateway.url}/api/v1${path}`;

  async function searchAndJudge(query: string): Promise<Release[]> {
    const created = await postJson<{ id: string }>(api('/searches'), { query }, alice.accessToken);
    expect(created.status).toBe(202);
    return eventually(async () => {
      const releases = (await getJson<{ items: Release[] }>(api(`/searches/${created.body.id}/releases?limit=100`), alice.accessToken)).body.items;
      if (releases.length === 0 || releases.some((r) => r.validation === null)) throw new Error('not judged yet');
      return releases;
    }, 30_000);
  }

  beforeAll(async () => {
    tmdb = await startFakeTmdb();
    indexer = await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' });
    llm = await startFakeLlm({ latency: { baseMs: 50, perReleaseMs: 5 } });
    stack = await TestStack.create('validation_flow');
    gateway = await stack.start('gateway');
    await stack.start('scout', { TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0' });
    const oracle = { ORACLE_LLM_URL: `${llm.url}/v1`, ORACLE_LLM_MODEL: llm.model, ORACLE_LLM_TIMEOUT_MS: '2000', ORACLE_BREAKER_FAILURES: '1', ORACLE_BREAKER_OPEN_MS: '600000' };
    await Promise.all([stack.start('oracle', oracle), stack.start('oracle', oracle)]);
    admin = await signUp(gateway.url, 'admin');
    alice = await signUp(gateway.url, 'alice');
    const created = await postJson(api('/indexers'), { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey }, admin.accessToken);
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await stack?.destroy();
    await Promise.all([tmdb?.close(), indexer?.close(), llm?.close()]);
  });

  it("judges every release with the model, shows the verdicts and ranks a mislabelled release below the real ones", async () => {
    const { socket, frames } = await openSocket(`ws://127.0.0.1:${gateway.port}/ws`, alice.accessToken);
    try {
      const releases = await searchAndJudge('Dune Part Two 2024');

      expect(releases.every((r) => r.validation?.judgedBy === llm.model)).toBe(true);
      // Really Dune (2021), tagged by its uploader with Dune: Part Two's ids.
      const mislabelled = releases.findIndex((r) => r.title === 'Dune.2021.1080p.BluRay.DDP7.1.x264-GECKOS');
      expect(releases[mislabelled].validation).toMatchObject({ verdict: 'mismatch', scoreAdjustment: expect.any(Number) });
      expect(releases[mislabelled].validation?.reasons.length).toBeGreaterThan(0);
      const lastGrabbable = releases.map((r) => r.accepted && r.validation?.verdict !== 'mismatch').lastIndexOf(true);
      expect(mislabelled).toBeGreaterThan(lastGrabbable);
      await eventually(() => {
        if (!frames.some((f) => f['type'] === 'releases.validated')) throw new Error('no releases.validated event yet');
      });
    } finally {
      socket.close();
    }
  });

  it('answers the same names found again from the cache, without asking the model', async () => {
    const completions = llm.completions;

    const releases = await searchAndJudge('Dune Part Two 2024');

    expect(releases.every((r) => r.validation?.judgedBy === llm.model)).toBe(true);
    expect(llm.completions).toBe(completions);
  });

  it('has the heuristic judge while the model fails, stops asking it, and still serves what the model said before', async () => {
    llm.setFaults({ fail: 'http500' });

    const judged = [await searchAndJudge('Dune 2021'), await searchAndJudge('Oppenheimer 2023'), await searchAndJudge('Breaking Bad S05E14')];
    const known = await searchAndJudge('Dune Part Two 2024');

    expect(judged.flat().every((r) => r.validation?.judgedBy === 'heuristic')).toBe(true);
    expect(judged[0].find((r) => r.title === 'Dune.2021.1080p.BluRay.x264-VETO')?.validation).toMatchObject({ verdict: 'match', reasons: expect.arrayContaining([expect.any(String)]) });
    // Each replica's breaker opens at its first failure here: the model was asked at most once per replica.
    expect(llm.requests.filter((r) => r.status === 500).length).toBeLessThanOrEqual(2);
    expect(known.every((r) => r.validation?.judgedBy === llm.model)).toBe(true);
  });
});
