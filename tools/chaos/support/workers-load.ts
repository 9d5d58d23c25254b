import { Agent, request } from 'node:http';

/**
 * What the worker scenarios (worker-killed, poison-messages, graceful-shutdown) share: a
 * seeded random source, an HTTP client that keeps every call's timing and outcome (status,
 * or the socket error that ended it), and the search load they drive through the gateway.
 */

export const MiB = 1024 * 1024;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Deterministic pseudo-random numbers in [0, 1): a run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface CallRecord {
  label: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** The socket-level error that ended the call instead (`ECONNRESET`, `ECONNREFUSED`…). */
  error?: string;
}

export interface CallResult<T> {
  status: number;
  body: T;
}

/**
 * An HTTP client that records every call it makes. Like a reverse proxy, it keeps its
 * connections open between requests (keep-alive, at most `maxSockets`), whatever the runtime's
 * `fetch` would do: a graceful shutdown must cope with pooled connections.
 */
export class RecordingClient {
  readonly calls: CallRecord[] = [];
  private readonly agent: Agent;

  constructor(
    private readonly token?: string,
    maxSockets = 16,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  async send<T = unknown>(label: string, url: string, init: { method?: string; body?: unknown } = {}): Promise<CallResult<T> | null> {
    const record: CallRecord = { label, startedAt: Date.now(), endedAt: 0 };
    this.calls.push(record);
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    try {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          url,
          {
            method: init.method ?? 'GET',
            agent: this.agent,
            headers: { ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      record.status = status;
      record.endedAt = Date.now();
      return { status, body: (text ? JSON.parse(text) : undefined) as T };
    } catch (error) {
      record.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      record.endedAt = Date.now();
      return null;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  latencies(label?: string): number[] {
    return this.calls.filter((c) => c.endedAt > 0 && c.status !== undefined && (!label || c.label === label)).map((c) => c.endedAt - c.startedAt);
  }

  get http5xx(): number {
    return this.calls.filter((c) => (c.status ?? 0) >= 500).length;
  }
}

/**
 * Submits one search per query through the gateway, `concurrency` at a time; resolves with
 * the ids in query order (each lane waits `paceMs` between two, to spread the load over time). A refused or failed POST throws: the load itself must not be lossy.
 */
export async function submitSearches(client: RecordingClient, gatewayUrl: string, queries: readonly string[], concurrency: number, paceMs = 0): Promise<string[]> {
  const ids = new Array<string>(queries.length);
  let next = 0;
  const lane = async () => {
    while (next < queries.length) {
      const index = next++;
      const created = await client.send<{ id: string }>('POST /searches', `${gatewayUrl}/api/v1/searches`, { method: 'POST', body: { query: queries[index] } });
      if (created?.status !== 202) throw new Error(`POST /searches "${queries[index]}" answered ${created?.status ?? client.calls.at(-1)?.error}`);
      ids[index] = created.body.id;
      if (paceMs > 0) await sleep(paceMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return ids;
}

/** Queries the fake TMDB and the catalogue indexer both know: every search finds releases. */
export const KNOWN_QUERIES = [
  'Dune Part Two 2024',
  'Dune 2021',
  'Oppenheimer 2023',
  'The Matrix 1999',
  'Breaking Bad S05E14',
  'Spirited Away 2001',
  'The Office S01E01',
  'Dune 1984',
] as const;

export function queriesFor(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => KNOWN_QUERIES[(i + offset) % KNOWN_QUERIES.length]);
}

/** Gateway settings for load tests: the per-user and per-IP budgets are not what is measured. */
export const UNTHROTTLED_GATEWAY = { RATE_LIMIT_PER_USER_PER_MINUTE: '1000000', RATE_LIMIT_PER_IP_PER_MINUTE: '1000000' };

/** Scout settings for load tests: the per-indexer request budget (60 a minute) would fail most searches of a load test. */
export const UNTHROTTLED_SCOUT = { SCOUT_INDEXER_REQUESTS_PER_MINUTE: '1000000' };
