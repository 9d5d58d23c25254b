import { performance } from 'node:perf_hooks';

/**
 * One way of doing the bench's round trip (publish a request, a worker handles it and
 * publishes a reply event, the requester receives the reply). The raw nats.js baseline and
 * the Sokoul messaging lib each implement it, so the driver below measures both alike.
 */
export interface RoundTripHarness {
  readonly label: string;
  /** Publishes one request and resolves once its reply came back. */
  roundTrip(): Promise<void>;
  /** Stops consumers, deletes the harness's streams, closes connections. */
  close(): Promise<void>;
}

/** A reply that never comes must fail the bench, not hang it. */
const REPLY_TIMEOUT_MS = 10_000;

/** Requests waiting for their reply, keyed by the id carried in both messages. */
export class PendingReplies {
  private readonly waiting = new Map<string, () => void>();

  wait(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no reply for ${id} within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Replies to requests that already timed out (or are not ours) are ignored. */
  settle(id: string): void {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.();
  }
}

/** Bounds how many handlers run at once (the raw baseline's stand-in for Sokoul's concurrency). */
export class Slots {
  private readonly queue: Array<() => void> = [];

  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

/** Round trips one after another; returns each one's duration in ms. */
export async function sequentialRoundTrips(harness: RoundTripHarness, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await harness.roundTrip();
    samples.push(performance.now() - start);
  }
  return samples;
}

export interface Throughput {
  messages: number;
  inFlight: number;
  durationMs: number;
  perSecond: number;
}

/** `count` round trips with `inFlight` of them outstanding at any time. */
export async function concurrentRoundTrips(harness: RoundTripHarness, count: number, inFlight: number): Promise<Throughput> {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      await harness.roundTrip();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const durationMs = performance.now() - start;
  return { messages: count, inFlight, durationMs, perSecond: (count / durationMs) * 1000 };
}
