import type { ActiveSpan, SpanOptions, TraceContext } from '../trace-context';

/** How trace context is held while tracing is on (OpenTelemetry); see trace-context.ts. */
export interface TraceContextBackend {
  current(): TraceContext | undefined;
  outgoingTraceparent(): string;
  runInSpan<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T;
}

let backend: TraceContextBackend | undefined;

/** The backend in use; undefined means the lightweight context of trace-context.ts. */
export function activeBackend(): TraceContextBackend | undefined {
  return backend;
}

/** Installs a backend, or goes back to the lightweight context with undefined. */
export function useBackend(next: TraceContextBackend | undefined): void {
  backend = next;
}
