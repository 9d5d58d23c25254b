import { Agent, request } from 'node:http';
import type { Sample } from './stats';

/** One request of the mix, chosen per request by weight. */
export interface RequestKind {
  name: string;
  weight: number;
  /** Method, path and body of the next request of this kind for `user` (an index into the users). */
  make(user: number): { method: 'GET' | 'POST'; path: string; body?: unknown };
  /** Sees the answer of its own requests (e.g. to keep the ids POST /searches returned). */
  onAnswer?(user: number, status: number, body: string): void;
}

export interface Phase {
  name: string;
  seconds: number;
  /** Requests per second, scheduled at that rate whatever the answers (an open model). */
  rate: number;
}

export interface PhaseSamples extends Phase {
  startedAt: number;
  endedAt: number;
  samples: Sample[];
  byKind: Record<string, number>;
}

export interface OpenModelOptions {
  baseUrl: string;
  tokens: readonly string[];
  kinds: readonly RequestKind[];
  timeoutMs?: number;
  /** Called every second while it runs (memory sampling, progress). */
  onSecond?: (phase: string, elapsedS: number) => void;
}

/**
 * A constant-rate ("open model") load generator: request i of a phase is due at
 * `start + i / rate` and leaves then whether or not earlier ones were answered; its latency is
 * counted from when it was due, so a server that falls behind is charged for the queue it built
 * (no coordinated omission). Users are taken round-robin, kinds by weight.
 */
export async function runOpenModel(phases: readonly Phase[], options: OpenModelOptions): Promise<PhaseSamples[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const totalWeight = options.kinds.reduce((s, k) => s + k.weight, 0);
  const pending = new Set<Promise<void>>();
  let next = 0;
  const results: PhaseSamples[] = [];

  const pick = (): RequestKind => {
    let r = Math.random() * totalWeight;
    for (const kind of options.kinds) {
      r -= kind.weight;
      if (r < 0) return kind;
    }
    return options.kinds[options.kinds.length - 1] as RequestKind;
  };

  const fire = (scheduledAt: number, into: PhaseSamples): Promise<void> =>
    new Promise((resolve) => {
      const user = next++ % options.tokens.length;
      const kind = pick();
      into.byKind[kind.name] = (into.byKind[kind.name] ?? 0) + 1;
      const { method, path, body } = kind.make(user);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      let done = false;
      const finish = (status: number, text: string, error?: string) => {
        if (done) return;
        done = true;
        into.samples.push({ scheduledAt, latencyMs: performance.now() - scheduledAt, status, ...(error ? { error } : {}) });
        if (status > 0) kind.onAnswer?.(user, status, text);
        resolve();
      };
      const req = request(
        `${options.baseUrl}${path}`,
        {
          method,
          agent,
          timeout: timeoutMs,
          headers: { authorization: `Bearer ${options.tokens[user]}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString()));
          res.on('error', (e: NodeJS.ErrnoException) => finish(0, '', e.code ?? e.message));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (e: NodeJS.ErrnoException) => finish(0, '', e.code ?? e.message));
      req.end(payload);
    });

  for (const phase of phases) {
    const into: PhaseSamples = { ...phase, startedAt: performance.now(), endedAt: 0, samples: [], byKind: {} };
    results.push(into);
    const start = into.startedAt;
    const count = Math.round(phase.seconds * phase.rate);
    let sent = 0;
    let lastSecond = -1;
    while (sent < count) {
      const now = performance.now();
      const due = Math.min(count, Math.floor(((now - start) / 1000) * phase.rate) + 1);
      for (; sent < due; sent++) {
        const p = fire(start + (sent / phase.rate) * 1000, into);
        pending.add(p);
        void p.then(() => pending.delete(p));
      }
      const second = Math.floor((now - start) / 1000);
      if (second !== lastSecond) {
        lastSecond = second;
        options.onSecond?.(phase.name, second);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // The next phase starts on time: what is still in flight is counted where it was due.
    into.endedAt = start + phase.seconds * 1000;
    const wait = into.endedAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all([...pending]);
  agent.destroy();
  return results;
}
