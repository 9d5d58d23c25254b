import { childSpan, currentTrace, formatTraceparent, outgoingTraceparent, parseTraceparent, runInSpan, runInTrace } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const TRACEPARENT_FORMAT = /^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

describe('parseTraceparent / formatTraceparent', () => {
  it('reads the trace id, parent span id and flags of a W3C traceparent', () => {
    expect(parseTraceparent(TRACEPARENT)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, flags: '01' });
  });

  it('formats back exactly the traceparent it parsed', () => {
    for (const header of [TRACEPARENT, `00-${TRACE_ID}-${SPAN_ID}-00`]) {
      const parsed = parseTraceparent(header);
      expect(parsed && formatTraceparent(parsed)).toBe(header);
    }
  });

  it('tolerates whitespace around the header value', () => {
    expect(parseTraceparent(`  ${TRACEPARENT}\t`)?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', ''],
    ['garbage', 'not-a-traceparent'],
    ['an unknown version', `01-${TRACE_ID}-${SPAN_ID}-01`],
    ['upper-case hex', TRACEPARENT.toUpperCase()],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['a long span id', `00-${TRACE_ID}-${SPAN_ID}0-01`],
    ['missing flags', `00-${TRACE_ID}-${SPAN_ID}`],
    ['an extra field', `${TRACEPARENT}-extra`],
    ['a non-hex character', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
  ])('rejects a traceparent that is %s', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('childSpan', () => {
  it('stays in the trace of its parent, with a new span id and the same flags', () => {
    const parent = { traceId: TRACE_ID, spanId: SPAN_ID, flags: '00' };

    const child = childSpan(parent);

    expect(child.traceId).toBe(TRACE_ID);
    expect(child.flags).toBe('00');
    expect(child.spanId).toMatch(/^[\da-f]{16}$/);
    expect(child.spanId).not.toBe(SPAN_ID);
  });

  it('starts a new sampled trace without a parent', () => {
    const first = childSpan();
    const second = childSpan();

    expect(formatTraceparent(first)).toMatch(TRACEPARENT_FORMAT);
    expect(first.flags).toBe('01');
    expect(first.traceId).not.toBe(second.traceId);
    expect(parseTraceparent(formatTraceparent(first))).toEqual(first);
  });
});

describe('trace and span ids (drawn from a pooled random buffer)', () => {
  it('never repeats an id across many pool refills, and every id is well-formed', () => {
    // 24 random bytes a span: 2,000 spans go through the 4 KiB pool about a dozen times.
    const spans = Array.from({ length: 2_000 }, () => childSpan());
    const ids = spans.flatMap((span) => [span.traceId, span.spanId]);

    expect(new Set(ids).size).toBe(ids.length);
    for (const span of spans) expect(parseTraceparent(formatTraceparent(span))).toEqual(span);
  });
});

describe('runInTrace', () => {
  it('continues the given trace in a new span of its own', () => {
    const trace = runInTrace(TRACEPARENT, () => currentTrace());

    expect(trace?.traceId).toBe(TRACE_ID);
    expect(trace?.flags).toBe('01');
    expect(trace?.spanId).toMatch(/^[\da-f]{16}$/);
    expect(trace?.spanId).not.toBe(SPAN_ID);
  });

  it.each([
    ['none is given', undefined],
    ['the given one is invalid', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
  ])('starts a new trace when %s', (_label, header) => {
    const trace = runInTrace(header, () => currentTrace());

    expect(trace).toBeDefined();
    expect(trace && formatTraceparent(trace)).toMatch(TRACEPARENT_FORMAT);
    expect(trace?.traceId).not.toBe('0'.repeat(32));
  });

  it('returns what the function returns, including a promise', async () => {
    expect(runInTrace(TRACEPARENT, () => 42)).toBe(42);
    await expect(runInTrace(TRACEPARENT, async () => 'done')).resolves.toBe('done');
  });

  it('keeps the trace across awaits, and each concurrent run keeps its own', async () => {
    const otherTraceId = 'a'.repeat(32);
    const seen = await Promise.all(
      [TRACE_ID, otherTraceId].map((traceId) =>
        runInTrace(`00-${traceId}-${SPAN_ID}-01`, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await Promise.resolve();
          return currentTrace()?.traceId;
        }),
      ),
    );

    expect(seen).toEqual([TRACE_ID, otherTraceId]);
  });

  it('leaves no trace behind once the function returned', () => {
    runInTrace(TRACEPARENT, () => undefined);

    expect(currentTrace()).toBeUndefined();
  });
});

describe('outgoingTraceparent', () => {
  it('keeps the trace id of the current context, in a new span', () => {
    const [current, outgoing] = runInTrace(TRACEPARENT, () => [currentTrace(), parseTraceparent(outgoingTraceparent())]);

    expect(outgoing?.traceId).toBe(TRACE_ID);
    expect(outgoing?.flags).toBe('01');
    expect(outgoing?.spanId).not.toBe(current?.spanId);
    expect(outgoing?.spanId).not.toBe(SPAN_ID);
  });

  it('starts a new valid trace outside any context', () => {
    const first = outgoingTraceparent();
    const second = outgoingTraceparent();

    expect(parseTraceparent(first)).toBeDefined();
    expect(parseTraceparent(first)?.traceId).not.toBe(parseTraceparent(second)?.traceId);
  });
});

describe('runInSpan without tracing (the lightweight context)', () => {
  it('leaves the current context as it is when no parent is given', () => {
    const [outer, inner] = runInTrace(TRACEPARENT, () => [currentTrace(), runInSpan('publish', { kind: 'producer' }, () => currentTrace())]);

    expect(inner).toBe(outer);
  });

  it('hands out a traceparent in the current trace, in a span of its own', () => {
    const [current, sent] = runInTrace(TRACEPARENT, () => [currentTrace(), runInSpan('publish', { kind: 'producer' }, (span) => parseTraceparent(span.traceparent))]);

    expect(sent?.traceId).toBe(TRACE_ID);
    expect(sent?.spanId).not.toBe(current?.spanId);
  });

  it('runs in a child of the given parent, as runInTrace does, and a new trace when the parent is absent', async () => {
    const child = await runInSpan('process', { kind: 'consumer', parent: TRACEPARENT }, async () => currentTrace());
    const fresh = runInSpan('process', { kind: 'consumer', parent: undefined }, () => currentTrace());

    expect(child?.traceId).toBe(TRACE_ID);
    expect(child?.spanId).not.toBe(SPAN_ID);
    expect(fresh).toBeDefined();
    expect(fresh?.traceId).not.toBe(TRACE_ID);
  });

  it('records nothing: setAttribute and fail do nothing, and errors pass through', async () => {
    await expect(
      runInSpan('process', {}, async (span) => {
        span.setAttribute('outcome', 'retried');
        span.fail(new Error('ignored'));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
  });
});
