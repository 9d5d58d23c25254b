import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import { activeBackend } from './tracing/backend';

export interface TraceContext {
  traceId: string;
  spanId: string;
  /** Sampled flag from the incoming traceparent; we keep it as received. */
  flags: string;
}

/** What a span stands for, as OpenTelemetry's SpanKind names it. */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanOptions {
  kind?: SpanKindName;
  /** Attributes set when the span starts; undefined values are left out. */
  attributes?: SpanAttributes;
  /**
   * Continue this W3C traceparent (a message's, a request's) instead of the current context.
   * When the key is there but the value is absent or invalid, a new trace starts, as with
   * `runInTrace`.
   */
  parent?: string;
}

/** The span `runInSpan` runs its function in. */
export interface ActiveSpan {
  /** What to send along with what this span sends (a message, a call), so the receiver continues the trace. */
  readonly traceparent: string;
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the span failed for an error the function handles itself (a message to retry). */
  fail(error: unknown): void;
}

/*
 * Two ways to hold the trace context, behind the same functions. Without tracing (the default)
 * a lightweight context in AsyncLocalStorage: ids only, nothing recorded, nothing exported.
 * Once `startTracing` ran, OpenTelemetry's active span (see tracing/otel-backend.ts).
 */

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

/** True once `startTracing` made OpenTelemetry hold the context (spans are recorded and exported). */
export function tracingEnabled(): boolean {
  return activeBackend() !== undefined;
}

/** The trace and span of the current context: OpenTelemetry's active span when tracing is on. */
export function currentTrace(): TraceContext | undefined {
  const backend = activeBackend();
  return backend ? backend.current() : storage.getStore();
}

/**
 * Runs `fn` in a child span of the given traceparent (a new trace when it is absent or
 * invalid). With tracing on, that child is a recorded span named `runInTrace`.
 */
export function runInTrace<T>(traceparent: string | undefined, fn: () => T): T {
  const backend = activeBackend();
  return backend ? backend.runInSpan('runInTrace', { parent: traceparent }, fn) : storage.run(childSpan(parseTraceparent(traceparent)), fn);
}

/**
 * The traceparent to send on an outgoing call made from the current context: a new child span
 * id without tracing; with tracing, the active span itself (the caller's span is the parent).
 */
export function outgoingTraceparent(): string {
  const backend = activeBackend();
  return backend ? backend.outgoingTraceparent() : formatTraceparent(childSpan(currentTrace()));
}

/** Without tracing a span records nothing: it only hands out the traceparent to send. */
const LIGHTWEIGHT_SPAN: ActiveSpan = {
  get traceparent() {
    return outgoingTraceparent();
  },
  setAttribute: () => undefined,
  fail: () => undefined,
};

/**
 * Runs `fn` in a span named `name`, ended when `fn` returns or its promise settles (failed if it
 * throws or rejects). With tracing on it is a real OpenTelemetry span, a child of
 * `options.parent` when that key is given, else of the current span. Without tracing nothing is
 * recorded: `fn` runs in a child of `options.parent` when given (as `runInTrace`), else in the
 * current context as it is.
 */
export function runInSpan<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T {
  const backend = activeBackend();
  if (backend) return backend.runInSpan(name, options, fn);
  if (!('parent' in options)) return fn(LIGHTWEIGHT_SPAN);
  return storage.run(childSpan(parseTraceparent(options.parent)), () => fn(LIGHTWEIGHT_SPAN));
}
