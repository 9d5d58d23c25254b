import type { ServiceProcess } from '@sokoul/testing';
import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { OwnPostgres } from '../support/servers-postgres';
import { type ClientOutcome, ServersPlatform, isRetryable503, quantile, sleep, statusOf } from '../support/servers-platform';

const FIGURES = {
  ci: { before: 10, after: 10, downMs: 8_000, poolSize: 3, probeEveryMs: 250 },
  full: { before: 100, after: 100, downMs: 30_000, poolSize: 3, probeEveryMs: 250 },
} as const;

/** How long a request may take while Postgres is away or the pool is taken: the pool's 5 s wait for a connection, plus slack. */
const BOUND_MS = 7_000;

interface ReadinessTrace {
  redAt: number | null;
  greenAgainAt: number | null;
}

/** Polls /health/ready of `service` until stopped; notes when it first turned red and when it was green again after that. */
function traceReadiness(service: ServiceProcess, everyMs: number): { trace: ReadinessTrace; stop: () => Promise<void> } {
  const trace: ReadinessTrace = { redAt: null, greenAgainAt: null };
  let running = true;
  const loop = (async () => {
    while (running) {
      const status = await statusOf(`${service.url}/health/ready`, 5_000);
      if (status !== 200 && trace.redAt === null) trace.redAt = Date.now();
      if (status === 200 && trace.redAt !== null && trace.greenAgainAt === null) trace.greenAgainAt = Date.now();
      await sleep(everyMs);
    }
  })();
  return {
    trace,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * Postgres unavailable (its own cluster, stopped for 30 s at full scale) and, apart, a service's
 * connection pool exhausted by queries stuck behind a lock. Readiness must turn red and green
 * again without a restart; API requests must get a 503 with Retry-After within a bound, not
 * hang; searches accepted around the outage must all complete (their messages nak'ed and
 * redelivered, not lost).
 */
export async function runPostgresOutage(scale: Scale): Promise<PostgresOutageResult> {
  const figures = FIGURES[scale];
  const postgres = await OwnPostgres.start();
  // Searches take a moment at the indexer, so some are mid-handler when Postgres goes.
  const platform = await ServersPlatform.create('chaos_pg', { databaseUrl: postgres.url }, { indexerDelayMs: 1_500 });
  try {
    const pool = { DATABASE_POOL_SIZE: String(figures.poolSize) };
    // Redeliveries spread over longer than the outage (1+2+4+8+16 s at CI scale; the defaults, 1+5+30+120 s, at full scale).
    const redelivery: Record<string, string> = scale === 'ci' ? { NATS_RETRY_BACKOFF_MS: '1000,2000,4000,8000,16000', NATS_MAX_DELIVER: '6' } : {};
    const gateway = await platform.start('gateway', { ...pool });
    const scout = await platform.start('scout', platform.scoutEnv({ ...pool, ...redelivery }));
    const services = [gateway, scout];
    const pids = services.map((s) => s.pid);
    await platform.accounts();

    // 1. Searches accepted just before the outage.
    const accepted: string[] = [];
    const answers: ClientOutcome[] = [];
    const ask = async (query: string) => {
      const outcome = await platform.search(query, 30_000);
      answers.push(outcome);
      if (outcome.status === 202) accepted.push(String(outcome.body['id']));
      return outcome;
    };
    await Promise.all(Array.from({ length: figures.before }, (_, i) => ask(`Oppenheimer 2023 before #${i}`)));

    // 2. Postgres away: readiness watched, requests sent all along.
    const watchers = services.map((s) => traceReadiness(s, figures.probeEveryMs));
    await sleep(500);
    const stoppedAt = Date.now();
    await postgres.stop();
    const duringOutage: ClientOutcome[] = [];
    while (Date.now() - stoppedAt < figures.downMs) {
      const [created, listed] = await Promise.all([
        platform.search('Dune Part Two 2024 during', BOUND_MS * 3),
        platform.request('GET', '/searches?limit=5', { token: platform.user.accessToken, timeoutMs: BOUND_MS * 3 }),
      ]);
      duringOutage.push(created, listed);
      if (created.status === 202) accepted.push(String(created.body['id']));
      await sleep(figures.probeEveryMs);
    }
    await postgres.begin();
    const restartedAt = Date.now();
    const greenDeadline = Date.now() + 30_000;
    while (watchers.some((w) => w.trace.greenAgainAt === null) && Date.now() < greenDeadline) await sleep(100);
    await Promise.all(watchers.map((w) => w.stop()));

    // 3. Searches accepted after it.
    await Promise.all(Array.from({ length: figures.after }, (_, i) => ask(`Oppenheimer 2023 after #${i}`)));
    const lostIds = await platform.uncompleted(accepted, scale === 'full' ? 150_000 : 60_000);

    // 4. The gateway's pool taken: every connection stuck behind a lock on `searches`.
    const exhaustion = await exhaustPool(platform, figures.poolSize);

    const firstLost = lostIds.length ? await platform.request('GET', `/searches/${lostIds[0]}`, { token: platform.user.accessToken }) : undefined;
    const alive = (await Promise.all(services.map((s) => Promise.race([s.exited.then(() => false), sleep(10).then(() => true)])))).every(Boolean);
    const sameProcesses = alive && services.every((s, i) => s.pid === pids[i]);
    const duplicated = await platform.duplicateCompletions();
    const deadLetters = await platform.deadLetters();
    const retries = scout.logs.filter((l) => String(l.msg ?? '').startsWith('handler failed, retrying')).length;
    const unexpected = duringOutage.filter((o) => !isRetryable503(o) && o.status !== 202);
    const slowest = Math.max(...duringOutage.map((o) => o.ms));
    const [gatewayTrace, scoutTrace] = watchers.map((w) => w.trace);
    const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
    const allOutcomes = [...answers, ...duringOutage, ...exhaustion.outcomes];

    return {
      scenario: 'postgres-outage',
      load: `${figures.before + figures.after} searches around the outage, 2 requests every ${figures.probeEveryMs} ms during it; pool of ${figures.poolSize}`,
      faults: `Postgres stopped ${figures.downMs / 1000} s (fast shutdown); gateway pool exhausted by ${figures.poolSize} queries behind a lock`,
      sent: accepted.length,
      unit: 'searches',
      lost: lostIds.length + deadLetters,
      duplicated,
      http5xx: allOutcomes.filter((o) => o.status >= 500).length,
      p99Ms: quantile(allOutcomes.map((o) => o.ms), 0.99),
      notes: [
        `readiness red ${seconds(gatewayTrace.redAt && gatewayTrace.redAt - stoppedAt)} (gateway) / ${seconds(scoutTrace.redAt && scoutTrace.redAt - stoppedAt)} (scout) after the stop, green again ${seconds(gatewayTrace.greenAgainAt && gatewayTrace.greenAgainAt - restartedAt)} / ${seconds(scoutTrace.greenAgainAt && scoutTrace.greenAgainAt - restartedAt)} after the start, ${sameProcesses ? 'without a restart (same PIDs)' : 'but a process was restarted'}`,
        `${duringOutage.length} requests during the outage: ${duringOutage.filter(isRetryable503).length} answered 503 problem+json with Retry-After, ${unexpected.length} otherwise${unexpected.length ? ` (${[...new Set(unexpected.map((o) => o.status))].join(', ')})` : ''}; slowest ${slowest} ms`,
        ...(lostIds.length ? [`never completed: ${lostIds.map((id) => `${id} (${platform.lastStatuses.get(id) ?? 'no row'})`).join(', ')}; the first: ${JSON.stringify(firstLost?.body)}`] : []),
        `${accepted.length} searches accepted, ${accepted.length - lostIds.length} completed, ${deadLetters} dead-lettered; the scout nak'ed ${retries} delivery(ies) with backoff while Postgres was away ("handler failed, retrying")`,
        `pool exhausted: ${exhaustion.outcomes.length} requests answered ${[...new Set(exhaustion.outcomes.map((o) => o.status))].join('/')} in at most ${Math.max(...exhaustion.outcomes.map((o) => o.ms))} ms, readiness ${exhaustion.readyWhileHeld}; the held requests answered ${exhaustion.heldStatuses.join('/')} once the lock went, readiness ${exhaustion.readyAfter} after`,
      ],
      verdicts: {
        accepted: accepted.length,
        nakedWhileAway: retries,
        lostIds,
        deadLetters,
        sameProcesses,
        gatewayRedThenGreen: gatewayTrace.redAt !== null && gatewayTrace.greenAgainAt !== null,
        scoutRedThenGreen: scoutTrace.redAt !== null && scoutTrace.greenAgainAt !== null,
        duringOutage: { sent: duringOutage.length, retryable503: duringOutage.filter(isRetryable503).length, unexpectedStatuses: unexpected.map((o) => o.status), slowestMs: slowest },
        exhaustion: {
          statuses: exhaustion.outcomes.map((o) => o.status),
          retryAfter: exhaustion.outcomes.map((o) => o.retryAfter),
          slowestMs: Math.max(...exhaustion.outcomes.map((o) => o.ms)),
          readyWhileHeld: exhaustion.readyWhileHeld,
          heldStatuses: exhaustion.heldStatuses,
          readyAfter: exhaustion.readyAfter,
        },
      },
    };
  } finally {
    await platform.destroy();
    await postgres.destroy();
  }
}

/**
 * Takes every connection of the gateway's pool: an ACCESS EXCLUSIVE lock on `searches` held in
 * a transaction, and `poolSize` requests that read it, each stuck with a connection. Requests
 * sent then must be answered 503 within the pool's wait, readiness must say so; once the lock
 * goes the stuck requests finish and everything answers again.
 */
async function exhaustPool(platform: ServersPlatform, poolSize: number) {
  const lock = platform.db.createQueryRunner();
  await lock.connect();
  await lock.startTransaction();
  await lock.query('LOCK TABLE searches IN ACCESS EXCLUSIVE MODE');
  const list = (timeoutMs: number) => platform.request('GET', '/searches?limit=5', { token: platform.user.accessToken, timeoutMs });
  const held = Array.from({ length: poolSize }, () => list(60_000));
  try {
    // Wait until the gateway's connections all wait on the lock.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [{ waiting }] = await platform.db.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'sokoul-gateway' AND wait_event_type = 'Lock'`);
      if (waiting >= poolSize) break;
      if (Date.now() > deadline) throw new Error(`only ${waiting} of the gateway's ${poolSize} connections are waiting on the lock`);
      await sleep(100);
    }
    const [outcomes, readyWhileHeld] = await Promise.all([Promise.all(Array.from({ length: 4 }, () => list(BOUND_MS * 3))), statusOf(`${platform.gateway.url}/health/ready`, 10_000)]);
    return { outcomes, readyWhileHeld, ...(await release()) };
  } catch (error) {
    await release();
    throw error;
  }

  async function release() {
    if (lock.isTransactionActive) await lock.rollbackTransaction();
    if (!lock.isReleased) await lock.release();
    const heldStatuses = (await Promise.all(held)).map((o) => o.status);
    let readyAfter = 0;
    for (let attempt = 0; attempt < 40 && readyAfter !== 200; attempt++) {
      readyAfter = await statusOf(`${platform.gateway.url}/health/ready`);
      if (readyAfter !== 200) await sleep(250);
    }
    return { heldStatuses, readyAfter };
  }
}

/** The table's figures, and the scenario's own verdicts (read by its spec). */
export interface PostgresOutageResult extends ScenarioResult {
  verdicts: {
    accepted: number;
    /** Deliveries the scout nak'ed for redelivery because Postgres was away. */
    nakedWhileAway: number;
    lostIds: string[];
    deadLetters: number;
    sameProcesses: boolean;
    gatewayRedThenGreen: boolean;
    scoutRedThenGreen: boolean;
    duringOutage: { sent: number; retryable503: number; unexpectedStatuses: number[]; slowestMs: number };
    exhaustion: { statuses: number[]; retryAfter: Array<string | null>; slowestMs: number; readyWhileHeld: number; heldStatuses: number[]; readyAfter: number };
  };
}

export const postgresOutage: Scenario = { name: 'postgres-outage', run: runPostgresOutage };

/** The bound a request must be answered within while Postgres is away or the pool is taken. */
export const POSTGRES_OUTAGE_BOUND_MS = BOUND_MS;
