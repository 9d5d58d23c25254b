import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  spanId: string;
  /** Sampled flag from the incoming traceparent; we keep it as received. */
  flags: string;
}

const storage = new AsyncLocalStorage<TraceContext>();
const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

export function parseTraceparent(header: string | undefined | null): TraceContext | undefined {
  const match = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], flags: match[3] };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

/**
 * Random ids come from a pool refilled 4 KiB at a time: a call into the CSPRNG per id cost more
 * than the rest of a request's trace handling. Every byte is used once; ids are no less random.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A new span in the trace of `parent` (or a new trace when there is none). */
export function childSpan(parent?: TraceContext): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    flags: parent?.flags ?? '01',
  };
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Runs `fn` in a child span of the given traceparent (a new trace when it is absent or invalid). */
export function runInTrace<T>(traceparent: string | undefined, fn: () => T): T {
  return storage.run(childSpan(parseTraceparent(traceparent)), fn);
}

/** The traceparent to send on an outgoing call made from the current context. */
export function outgoingTraceparent(): string {
  return formatTraceparent(childSpan(currentTrace()));
}
