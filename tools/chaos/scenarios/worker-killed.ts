import { type FakeLlm, type FakeTmdb, type FakeTorznabIndexer, startFakeLlm, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type ServiceName, TestStack, signUp } from '@sokoul/testing';
import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { auditSearches, awaitReleasesJudged, awaitSearchesFinished, describeCounts, leftovers } from '../support/workers-checks';
import { WorkerFleet, startKiller } from '../support/workers-fleet';
import { MiB, RecordingClient, UNTHROTTLED_GATEWAY, UNTHROTTLED_SCOUT, percentile, queriesFor, seededRandom, sleep, submitSearches } from '../support/workers-load';
import { type DownloadAudit, type EpisodeSwarm, auditDownloads, grabEpisode, startEpisodeSwarms, swarmReleases } from '../support/workers-swarms';

const SIZES = {
  // ci spreads its searches over ~30 s so that the kills land among them.
  ci: { searches: 60, downloads: 3, fileBytes: 2 * MiB, uploadLimit: 128 * 1024, killEveryMs: 2_500, paceMs: 2_000, deadlineMs: 150_000 },
  full: { searches: 1_000, downloads: 20, fileBytes: 4 * MiB, uploadLimit: 256 * 1024, killEveryMs: 5_000, paceMs: 0, deadlineMs: 900_000 },
} as const;

const WORKERS: ServiceName[] = ['scout', 'oracle', 'hunter'];
const ACK_WAIT_MS = 3_000;
const LEASE_S = 4;

/** Extra facts the e2e spec reads besides the table's row. */
export interface WorkerKilledDetails {
  kills: Partial<Record<ServiceName, number>>;
  searches: Awaited<ReturnType<typeof auditSearches>>;
  downloads: DownloadAudit;
  /** Downloads still claimed by a hunter that is not running, a lease after the run. */
  orphanedClaims: number;
  duplicateProcessedRecords: number;
  commandsLeft: number;
  deadLetters: number;
}

/**
 * Two replicas each of scout, oracle and hunter under searches and downloads, while a killer
 * SIGKILLs one of them every few seconds and starts a replacement: JetStream redelivers what
 * the dead one held (short ack wait), the hunters take over its downloads when its lease runs
 * out. Every search must complete once, every download complete with the swarm's bytes.
 */
export const workerKilled: Scenario = {
  name: 'worker-killed',
  run: async (scale) => (await runWorkerKilled(scale)).result,
};

/** The scenario, with the details its verdicts rest on. */
export async function runWorkerKilled(scale: Scale): Promise<{ result: ScenarioResult; details: WorkerKilledDetails }> {
  const size = SIZES[scale];
  const seed = Date.now() % 1_000_000;
  const random = seededRandom(seed);
  let stack: TestStack | undefined;
  let tmdb: FakeTmdb | undefined;
  let catalogue: FakeTorznabIndexer | undefined;
  let local: FakeTorznabIndexer | undefined;
  let llm: FakeLlm | undefined;
  let swarms: EpisodeSwarm[] = [];
  const clients: RecordingClient[] = [];
  try {
    swarms = await startEpisodeSwarms(size.downloads, size.fileBytes, size.uploadLimit);
    tmdb = await startFakeTmdb();
    catalogue = await startFakeTorznabIndexer({ name: 'catalogue' });
    local = await startFakeTorznabIndexer({ name: 'swarms', trackers: swarms.map((s) => s.swarm.trackerUrl as string), releases: swarmReleases(swarms) });
    llm = await startFakeLlm({ latency: { baseMs: 50, perReleaseMs: 5 }, slots: 4 });
    stack = await TestStack.create('chaos_killed');
    const common = { NATS_ACK_WAIT_MS: String(ACK_WAIT_MS), NATS_HEARTBEAT_INTERVAL_MS: '1000' };
    const env: Record<ServiceName, Record<string, string>> = {
      gateway: { ...UNTHROTTLED_GATEWAY },
      scout: { ...common, ...UNTHROTTLED_SCOUT, TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0' },
      oracle: { ...common, ORACLE_LLM_URL: `${llm.url}/v1`, ORACLE_LLM_MODEL: llm.model, ORACLE_LLM_TIMEOUT_MS: '5000' },
      hunter: { ...common, HUNTER_LEASE_S: String(LEASE_S), HUNTER_TICK_MS: '500', HUNTER_SEED_RATIO: '0', HUNTER_SAMPLE_MAX_BYTES: String(256 * 1024), HUNTER_MAX_ACTIVE: '3' },
      sentinel: {},
    };
    const gateway = await stack.start('gateway', env.gateway);
    const fleet = new WorkerFleet(stack, (name) => env[name]);
    for (const name of WORKERS) await fleet.start(name, 2);

    const admin = await signUp(gateway.url, 'admin');
    const client = new RecordingClient(admin.accessToken);
    clients.push(client);
    for (const indexer of [catalogue, local]) {
      const added = await client.send('POST /indexers', `${gateway.url}/api/v1/indexers`, { method: 'POST', body: { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey } });
      if (added?.status !== 201) throw new Error(`adding indexer ${indexer.name}: ${added?.status}`);
    }

    const killer = startKiller(fleet, WORKERS, size.killEveryMs, random);
    const startedAt = Date.now();
    const downloadSearchIds: string[] = [];
    const searchQueries = queriesFor(size.searches - size.downloads);
    const [searchIds, downloads] = await Promise.all([
      submitSearches(client, gateway.url, searchQueries, 4, size.paceMs),
      (async () => {
        const grabbed: Array<{ id: string; episode: EpisodeSwarm }> = [];
        for (const episode of swarms) grabbed.push({ id: await grabEpisode(client, gateway.url, episode, downloadSearchIds), episode });
        return grabbed;
      })(),
    ]);
    const allIds = [...searchIds, ...downloadSearchIds];
    const allQueries = [...searchQueries, ...swarms.map((s) => s.query)];
    const remaining = () => size.deadlineMs - (Date.now() - startedAt);
    await awaitSearchesFinished(stack, allIds, Math.max(1_000, remaining()));
    await awaitDownloadsFinished(stack, Math.max(1_000, remaining()));
    await killer.stop();
    const loadSeconds = (Date.now() - startedAt) / 1000;

    // Quiet now: what the last kills left must be picked up without further help.
    await awaitReleasesJudged(stack, allIds, 60_000);
    await awaitHashesRecorded(stack, 20_000);
    await sleep((LEASE_S + 1) * 1000);

    const searches = await auditSearches(stack, allIds, allQueries);
    const rows: Array<{ id: string; n: number }> = await stack.db.query(`SELECT d.id, (SELECT count(*)::int FROM downloads e WHERE e.info_hash = d.info_hash) AS n FROM downloads d`);
    const downloadAudit = await auditDownloads(client, gateway.url, stack.env()['HUNTER_LIBRARY_DIR'], downloads, new Map(rows.map((r) => [r.id, r.n])));
    const extraRows = rows.length - downloads.length;
    const livePids = fleet.live('hunter').map((h) => `-${h.pid}-`);
    const claims: Array<{ claimed_by: string }> = await stack.db.query(`SELECT claimed_by FROM downloads WHERE claimed_by IS NOT NULL`);
    const orphanedClaims = claims.filter((c) => !livePids.some((pid) => c.claimed_by.includes(pid))).length;
    const [{ extra: duplicateProcessedRecords }] = await stack.db.query(
      `SELECT COALESCE(sum(n - 1), 0)::int AS extra FROM (SELECT count(*) AS n FROM processed_messages GROUP BY consumer, message_id) t`,
    );
    const left = await leftovers(stack);
    const events = await stack.eventCounts();

    const details: WorkerKilledDetails = { kills: fleet.kills, searches, downloads: downloadAudit, orphanedClaims, duplicateProcessedRecords, commandsLeft: left.commands, deadLetters: left.deadLetters };
    const totalKills = Object.values(fleet.kills).reduce((a, b) => a + (b ?? 0), 0);
    const searchCalls = client.calls.filter((c) => c.label.includes('/searches'));
    const result: ScenarioResult = {
      scenario: 'worker-killed',
      load: `${allIds.length.toLocaleString('en')} searches, ${downloads.length} downloads of ${size.fileBytes / MiB} MiB, 2 replicas of scout, oracle and hunter`,
      faults: `SIGKILL ×${totalKills} (${describeCounts(fleet.kills)})`,
      sent: allIds.length + downloads.length,
      unit: 'searches+downloads',
      lost: searches.notCompleted.length + searches.searchesWithUnjudged + searches.releaseCountMismatches + (downloadAudit.total - downloadAudit.verified - downloadAudit.hashNotRecorded),
      duplicated: searches.extraProcessedRecords + searches.extraCompletedEvents + duplicateProcessedRecords + downloadAudit.duplicates + Math.max(0, extraRows),
      http5xx: client.http5xx,
      p99Ms: percentile(
        searchCalls.filter((c) => c.status !== undefined).map((c) => c.endedAt - c.startedAt),
        99,
      ),
      notes: [
        `random seed ${seed}; a kill every ${size.killEveryMs / 1000} s on average, ack wait ${ACK_WAIT_MS / 1000} s, hunter lease ${LEASE_S} s; load over in ${loadSeconds.toFixed(0)} s`,
        `${searches.completed}/${searches.total} searches completed, ${searches.releases.toLocaleString('en')} releases stored, ${searches.unjudgedReleases} unjudged; events: ${describeCounts(events)}`,
        `${downloadAudit.verified}/${downloadAudit.total} downloads completed with the swarm's SHA-256 recorded and on disk${downloadAudit.hashNotRecorded ? `, ${downloadAudit.hashNotRecorded} right on disk but their hash not recorded yet (a hunter killed between linking and hashing; the leftover sweep records it after 300 s)` : ''}`,
        ...downloadAudit.failures.map((f) => `download not right: ${f}`),
        ...searches.notCompleted.slice(0, 5).map((s) => `search ${s.id} ended ${s.status}`),
        ...(searches.inconsistentQueries.length ? [`queries whose searches found different release counts: ${searches.inconsistentQueries.join('; ')}`] : []),
        `orphaned download claims ${orphanedClaims}, commands left in the stream ${left.commands}, dead letters ${left.deadLetters}, duplicate idempotency records ${duplicateProcessedRecords}`,
        `search API: ${searchCalls.length} calls, ${searchCalls.filter((c) => c.error).length} failed at the socket`,
      ],
    };
    return { result, details };
  } finally {
    for (const c of clients) c.close();
    await stack?.destroy();
    await Promise.all([tmdb?.close(), catalogue?.close(), local?.close(), llm?.close(), ...swarms.map((s) => s.swarm.close())]);
  }
}

async function awaitDownloadsFinished(stack: TestStack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ open }] = await stack.db.query(`SELECT count(*)::int AS open FROM downloads WHERE status NOT IN ('completed', 'failed', 'cancelled')`);
    if (open === 0) return;
    await sleep(500);
  }
}

async function awaitHashesRecorded(stack: TestStack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ unhashed }] = await stack.db.query(`SELECT count(*)::int AS unhashed FROM library_files WHERE sha256 IS NULL`);
    if (unhashed === 0) return;
    await sleep(500);
  }
}
