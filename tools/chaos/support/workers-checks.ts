import type { TestStack } from '@sokoul/testing';
import { eventually } from '@sokoul/testing';

/**
 * What Postgres and JetStream say about a batch of searches once the load is over: how many
 * completed, whether any ran twice, whether every release found was stored once and judged.
 */
export interface SearchAudit {
  total: number;
  completed: number;
  /** Still queued or running, or failed: each one is a lost search. */
  notCompleted: Array<{ id: string; status: string }>;
  /** Idempotency records beyond one per search (consumer, message). */
  extraProcessedRecords: number;
  /** `search.completed` events beyond one per search (the events stream keeps every copy it accepted). */
  extraCompletedEvents: number;
  /** Searches whose stored release rows differ from the count they announced. */
  releaseCountMismatches: number;
  /** Searches of one query that found a different number of releases than the others (the indexers are deterministic). */
  inconsistentQueries: string[];
  releases: number;
  unjudgedReleases: number;
  /** Searches with at least one release the oracle never judged. */
  searchesWithUnjudged: number;
}

export async function auditSearches(stack: TestStack, ids: readonly string[], queries: readonly string[]): Promise<SearchAudit> {
  const rows: Array<{ id: string; status: string; error: string | null; release_count: number; stored: number; unjudged: number }> = await stack.db.query(
    `SELECT s.id, s.status, s.error, s.release_count,
            (SELECT count(*)::int FROM releases r WHERE r.search_id = s.id) AS stored,
            (SELECT count(*)::int FROM releases r WHERE r.search_id = s.id AND r.verdict IS NULL) AS unjudged
       FROM searches s WHERE s.id = ANY($1)`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const notCompleted = ids.flatMap((id) => {
    const row = byId.get(id);
    return row?.status === 'completed' ? [] : [{ id, status: row ? `${row.status}${row.error ? `: ${row.error.slice(0, 200)}` : ''}` : 'missing' }];
  });
  const [{ extra }] = await stack.db.query(
    `SELECT COALESCE(sum(n - 1), 0)::int AS extra FROM (SELECT count(*) AS n FROM processed_messages WHERE message_id = ANY($1) GROUP BY consumer, message_id) t`,
    [ids.map((id) => `search.requested:${id}`)],
  );
  const counts = await stack.eventCounts();
  const found = new Map<string, Set<number>>();
  ids.forEach((id, i) => {
    const row = byId.get(id);
    if (row?.status === 'completed') found.set(queries[i], (found.get(queries[i]) ?? new Set()).add(row.release_count));
  });
  return {
    total: ids.length,
    completed: ids.length - notCompleted.length,
    notCompleted,
    extraProcessedRecords: extra,
    extraCompletedEvents: Math.max(0, (counts['sokoul.search.completed'] ?? 0) - ids.length),
    releaseCountMismatches: rows.filter((row) => row.status === 'completed' && row.stored !== row.release_count).length,
    inconsistentQueries: [...found].filter(([, sizes]) => sizes.size > 1).map(([query, sizes]) => `${query}: ${[...sizes].join('/')}`),
    releases: rows.reduce((sum, row) => sum + row.stored, 0),
    unjudgedReleases: rows.reduce((sum, row) => sum + row.unjudged, 0),
    searchesWithUnjudged: rows.filter((row) => row.unjudged > 0).length,
  };
}

/** Waits until every search of the batch is completed (or failed), or the time is up. */
export async function awaitSearchesFinished(stack: TestStack, ids: readonly string[], timeoutMs: number): Promise<boolean> {
  try {
    await eventually(
      async () => {
        const [{ open }] = await stack.db.query(`SELECT count(*)::int AS open FROM searches WHERE id = ANY($1) AND status NOT IN ('completed', 'failed')`, [ids]);
        if (open > 0) throw new Error(`${open} searches still open`);
      },
      timeoutMs,
      500,
    );
    return true;
  } catch {
    return false;
  }
}

/** Waits until the oracle judged every release of the batch, or the time is up. */
export async function awaitReleasesJudged(stack: TestStack, ids: readonly string[], timeoutMs: number): Promise<boolean> {
  try {
    await eventually(
      async () => {
        const [{ unjudged }] = await stack.db.query(`SELECT count(*)::int AS unjudged FROM releases WHERE search_id = ANY($1) AND verdict IS NULL`, [ids]);
        if (unjudged > 0) throw new Error(`${unjudged} releases not judged yet`);
      },
      timeoutMs,
      500,
    );
    return true;
  } catch {
    return false;
  }
}

/** Messages of the commands stream nobody acked yet, and the dead letters: both 0 when nothing was left behind. */
export async function leftovers(stack: TestStack): Promise<{ commands: number; deadLetters: number }> {
  const jsm = await stack.nats.jetstreamManager();
  const commands = (await jsm.streams.info(stack.stream('SOKOUL_COMMANDS'))).state.messages;
  const deadLetters = (await jsm.streams.info(stack.stream('SOKOUL_DLQ'))).state.messages;
  return { commands, deadLetters };
}

/** `n a, m b` from a record of counts. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}
