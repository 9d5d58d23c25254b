import { tmpdir } from 'node:os';
import { type FakeLlm, type FakeTmdb, type FakeTorznabIndexer, startFakeLlm, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type Account, postJson, type ServiceProcess, signUp, TestStack } from '@sokoul/testing';

export interface LoadStack {
  gateway: ServiceProcess;
  services: ServiceProcess[];
  users: Account[];
  /** Each user's searches (seeded with one, grown by the load's POSTs). */
  searchIds: string[][];
  /** What the stack runs with that differs from the defaults, in words (for the report). */
  settings: string[];
  destroy(): Promise<void>;
}

/**
 * The five services as real processes (`dist/apps`), in a namespace of their own on the dev
 * servers, with a local TMDB, two Torznab indexers and a model server; an admin (who adds the
 * indexers and is otherwise idle: admins receive every event) and `userCount` users.
 */
export async function startLoadStack(userCount: number): Promise<LoadStack> {
  let tmdb: FakeTmdb | undefined;
  let llm: FakeLlm | undefined;
  const indexers: FakeTorznabIndexer[] = [];
  let stack: TestStack | undefined;
  const destroy = async () => {
    await stack?.destroy().catch(() => undefined);
    await Promise.all([tmdb?.close(), llm?.close(), ...indexers.map((i) => i.close())]);
  };
  try {
    tmdb = await startFakeTmdb();
    llm = await startFakeLlm({ latency: { baseMs: 20, perReleaseMs: 2 }, slots: 2 });
    indexers.push(await startFakeTorznabIndexer({ name: 'alpha', site: 'alpha' }), await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' }));
    stack = await TestStack.create('load');
    const settings = [
      'access tokens last 2 h (AUTH_ACCESS_TOKEN_TTL_S=7200) so that a 30-minute soak keeps its tokens',
      `requests spread over ${userCount} users, each under the default 600 a minute; rate limits at their defaults`,
    ];
    const gateway = await stack.start('gateway', { AUTH_ACCESS_TOKEN_TTL_S: '7200' });
    const scout = await stack.start('scout', { TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0' });
    const oracle = await stack.start('oracle', { ORACLE_LLM_URL: `${llm.url}/v1`, ORACLE_LLM_MODEL: llm.model });
    const hunter = await stack.start('hunter');
    const sentinel = await stack.start('sentinel', { SENTINEL_DISK_PATHS: `tmp=${tmpdir()}`, SENTINEL_DISK_MIN_FREE_BYTES: '1' });
    const admin = await signUp(gateway.url, 'admin');
    for (const indexer of indexers) {
      const created = await postJson(`${gateway.url}/api/v1/indexers`, { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey }, admin.accessToken);
      if (created.status !== 201) throw new Error(`adding indexer ${indexer.name}: ${created.status}`);
    }
    const users: Account[] = [];
    for (let i = 0; i < userCount; i += 5) {
      users.push(...(await Promise.all(Array.from({ length: Math.min(5, userCount - i) }, (_, j) => signUp(gateway.url, `load${i + j}`)))));
    }
    const searchIds: string[][] = [];
    for (const user of users) {
      const created = await postJson<{ id: string }>(`${gateway.url}/api/v1/searches`, { query: 'Dune Part Two 2024' }, user.accessToken);
      if (created.status !== 202) throw new Error(`seeding a search: ${created.status}`);
      searchIds.push([created.body.id]);
    }
    return { gateway, services: [gateway, scout, oracle, hunter, sentinel], users, searchIds, settings, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
