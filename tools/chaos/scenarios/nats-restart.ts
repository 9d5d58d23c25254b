import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { OwnNats } from '../support/servers-nats';
import { type ClientOutcome, ServersPlatform, isRetryable503, quantile, sleep, statusOf } from '../support/servers-platform';

const FIGURES = {
  ci: { searches: 80, intervalMs: 150, restarts: 1, downMs: 4_000 },
  full: { searches: 300, intervalMs: 200, restarts: 3, downMs: 5_000 },
} as const;

/**
 * NATS restarted mid-run (a nats-server of its own, JetStream stored on disk): searches are
 * asked for at a steady pace through the gateway before, during and after each restart. The
 * services must reconnect by themselves (same processes, ready again), every search answered
 * 202 must complete, and a request that meets the outage must fail loudly with a retryable 503,
 * never be accepted and then dropped.
 */
export async function runNatsRestart(scale: Scale): Promise<NatsRestartResult> {
  const figures = FIGURES[scale];
  const nats = await OwnNats.start();
  const platform = await ServersPlatform.create('chaos_nats', { natsUrl: nats.url });
  try {
    const gateway = await platform.start('gateway', { DATABASE_MIGRATE_ON_START: 'false', RATE_LIMIT_PER_USER_PER_MINUTE: '100000' });
    const scout = await platform.start('scout', platform.scoutEnv());
    const oracle = await platform.start('oracle');
    const services = [gateway, scout, oracle];
    const pids = services.map((s) => s.pid);
    await platform.accounts();

    const outcomes: Array<ClientOutcome & { during: boolean }> = [];
    let down = false;
    const faults = (async () => {
      const runMs = figures.searches * figures.intervalMs;
      for (let restart = 1; restart <= figures.restarts; restart++) {
        await sleep(runMs / (figures.restarts + 1) - (restart === 1 ? 0 : figures.downMs));
        down = true;
        await nats.stop();
        await sleep(figures.downMs);
        await nats.begin();
        down = false;
      }
    })();
    const requests: Array<Promise<void>> = [];
    for (let i = 0; i < figures.searches; i++) {
      const during = down;
      requests.push(platform.search(`The Matrix 1999 #${i}`, 30_000).then((outcome) => void outcomes.push({ ...outcome, during })));
      await sleep(figures.intervalMs);
    }
    await Promise.all([...requests, faults]);

    const accepted = outcomes.filter((o) => o.status === 202).map((o) => String(o.body['id']));
    const retryable = outcomes.filter(isRetryable503);
    const unexpected = outcomes.filter((o) => o.status !== 202 && !isRetryable503(o));
    const lostIds = await platform.uncompleted(accepted, 60_000);
    const ready = await Promise.all(services.map((s) => statusOf(`${s.url}/health/ready`)));
    const samePids = services.every((s, i) => s.pid === pids[i] && s.logs.length > 0) && (await Promise.all(services.map((s) => Promise.race([s.exited.then(() => false), sleep(10).then(() => true)])))).every(Boolean);
    const duplicated = await platform.duplicateCompletions();
    const orphans = await platform.deadLetters();
    const reconnects = services.map((s) => `${s.name} ${s.logs.filter((l) => l.msg === 'nats reconnect').length}`).join(', ');

    return {
      scenario: 'nats-restart',
      load: `${figures.searches.toLocaleString('en')} searches, one every ${figures.intervalMs} ms, gateway + scout + oracle`,
      faults: `nats-server restarted ×${figures.restarts} (SIGTERM, down ${figures.downMs / 1000} s, JetStream on disk)`,
      sent: figures.searches,
      unit: 'searches',
      lost: lostIds.length + unexpected.filter((o) => o.status === 0).length,
      duplicated,
      http5xx: outcomes.filter((o) => o.status >= 500).length,
      p99Ms: quantile(outcomes.map((o) => o.ms), 0.99),
      notes: [
        `${accepted.length} accepted (202), all ${accepted.length - lostIds.length} of them completed; ${retryable.length} answered 503 problem+json with Retry-After while NATS was away (the search removed again, the client told to retry); ${unexpected.length} other answers${unexpected.length ? ` (${[...new Set(unexpected.map((o) => o.status))].join(', ')})` : ''}`,
        `${outcomes.filter((o) => o.during).length} requests sent during an outage; slowest answer ${Math.max(...outcomes.map((o) => o.ms))} ms (a publish waits at most its 5 s timeout)`,
        `services reconnected by themselves: ${samePids ? 'same processes' : 'a process was restarted'}, ready afterwards ${ready.every((s) => s === 200) ? 'all three' : ready.join('/')}; reconnects logged: ${reconnects}`,
        `${orphans} command(s) dead-lettered (a search request stored by JetStream after the gateway had already answered 503 and removed the search: terminated as "search does not exist", never run)`,
      ],
      verdicts: {
        accepted: accepted.length,
        retryable503: retryable.length,
        sentDuringOutage: outcomes.filter((o) => o.during).length,
        lostIds,
        unexpectedStatuses: unexpected.map((o) => o.status),
        sameProcesses: samePids,
        readyAfter: ready,
      },
    };
  } finally {
    await platform.destroy();
    await nats.destroy();
  }
}

/** The table's figures, and the scenario's own verdicts (read by its spec). */
export interface NatsRestartResult extends ScenarioResult {
  verdicts: {
    accepted: number;
    retryable503: number;
    sentDuringOutage: number;
    /** Searches answered 202 that never completed. */
    lostIds: string[];
    /** Answers other than 202 and a retryable 503 (0: no answer at all, a hang). */
    unexpectedStatuses: number[];
    sameProcesses: boolean;
    /** /health/ready of gateway, scout and oracle after the last restart. */
    readyAfter: number[];
  };
}

export const natsRestart: Scenario = { name: 'nats-restart', run: runNatsRestart };
