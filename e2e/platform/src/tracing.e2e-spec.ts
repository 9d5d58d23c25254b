import { randomBytes } from 'node:crypto';
import {
  type CollectedSpan,
  type FakeLlm,
  type FakeOtlpCollector,
  type FakeTmdb,
  type FakeTorznabIndexer,
  startFakeLlm,
  startFakeOtlpCollector,
  startFakeTmdb,
  startFakeTorznabIndexer,
} from '@sokoul/fakes';
import { type ServiceProcess, eventually, type Account, getJson, postJson, signUp, TestStack } from '@sokoul/testing';

interface Release {
  validation: { verdict: string } | null;
}

/**
 * OpenTelemetry across the platform: the gateway, the scout and the oracle as real processes,
 * exporting over OTLP/HTTP to a local collector. One search, started with a known traceparent,
 * must come back as one trace: the gateway's HTTP span, the NATS hops (producer → consumer),
 * the scout's Postgres, Redis and indexer calls, the oracle's call to the model; and the log
 * lines the services wrote for it carry that trace id.
 */
describe('tracing: one trace from the gateway through the scout and the oracle', () => {
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  let collector: FakeOtlpCollector;
  let stack: TestStack;
  let gateway: ServiceProcess;
  let scout: ServiceProcess;
  let oracle: ServiceProcess;
  let tmdb: FakeTmdb;
  let indexer: FakeTorznabIndexer;
  let broken: FakeTorznabIndexer;
  let llm: FakeLlm;
  let alice: Account;
  let searchId: string;
  let answeredTraceparent: string | null;
  const api = (path: string) => `${gateway.url}/api/v1${path}`;

  const spansOf = (service: string) => collector.trace(traceId).filter((span) => span.service === service);
  const byId = (spanId: string | undefined) => collector.trace(traceId).find((span) => span.spanId === spanId);
  /** True if `ancestor` is `span` or one of its parents, following parentSpanId within the trace. */
  function descendsFrom(span: CollectedSpan | undefined, ancestor: CollectedSpan): boolean {
    for (let current = span; current; current = byId(current.parentSpanId)) if (current.spanId === ancestor.spanId) return true;
    return false;
  }
  function onlySpan(service: string, predicate: (span: CollectedSpan) => boolean, what: string): CollectedSpan {
    const found = spansOf(service).filter(predicate);
    if (found.length !== 1) throw new Error(`${service}: expected one ${what} span in the trace, found ${found.length}: ${spansOf(service).map((s) => `${s.kind} ${s.name}`).join(', ')}`);
    return found[0];
  }

  beforeAll(async () => {
    collector = await startFakeOtlpCollector();
    tmdb = await startFakeTmdb();
    indexer = await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' });
    // Fails every query: the scout logs a warning inside the search's trace.
    broken = await startFakeTorznabIndexer({ name: 'broken', site: 'gamma', brokenXml: true });
    llm = await startFakeLlm({ latency: { baseMs: 20, perReleaseMs: 2 } });
    stack = await TestStack.create('tracing');
    // Spans leave each process within 100 ms instead of the SDK's 5 s batches.
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    gateway = await stack.start('gateway', tracing);
    // A probe: never a span.
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    [scout, oracle] = await Promise.all([
      stack.start('scout', { ...tracing, TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_INDEXER_TIMEOUT_MS: '2000', SCOUT_WATCHLIST_TICK_MS: '0' }),
      stack.start('oracle', { ...tracing, ORACLE_LLM_URL: `${llm.url}/v1`, ORACLE_LLM_MODEL: llm.model, ORACLE_LLM_TIMEOUT_MS: '5000' }),
    ]);
    const admin = await signUp(gateway.url, 'admin');
    alice = await signUp(gateway.url, 'alice');
    for (const added of [indexer, broken]) {
      const created = await postJson(api('/indexers'), { name: added.name, url: added.url, apiKey: added.apiKey }, admin.accessToken);
      expect(created.status).toBe(201);
    }

    const created = await postJson<{ id: string }>(api('/searches'), { query: 'Dune Part Two 2024' }, alice.accessToken, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(created.status).toBe(202);
    searchId = created.body.id;
    answeredTraceparent = created.headers.get('traceparent');
    // Judged by the model: the search went gateway → scout → oracle.
    await eventually(async () => {
      const releases = (await getJson<{ items: Release[] }>(api(`/searches/${searchId}/releases?limit=100`), alice.accessToken)).body.items;
      if (releases.length === 0 || releases.some((r) => r.validation === null)) throw new Error('not judged yet');
    }, 30_000);
    // A span is exported when it ends: the oracle's message span ends after all it did.
    await eventually(() => {
      if (!spansOf('oracle').some((span) => span.kind === 'consumer' && span.name === 'process sokoul.releases.found')) throw new Error("the oracle's message span has not arrived yet");
    }, 10_000);
  });

  afterAll(async () => {
    await stack?.destroy();
    await Promise.all([collector?.close(), tmdb?.close(), indexer?.close(), broken?.close(), llm?.close()]);
  });

  it("starts with the gateway's HTTP server span, a child of the caller's span, and answers with its traceparent", () => {
    const server = onlySpan('gateway', (span) => span.kind === 'server', 'HTTP server');

    expect(server).toMatchObject({ parentSpanId: callerSpanId, name: 'POST /api/v1/searches', attributes: expect.objectContaining({ 'http.route': '/api/v1/searches' }) });
    expect(answeredTraceparent).toBe(`00-${traceId}-${server.spanId}-01`);
  });

  it('crosses NATS as producer → consumer spans: gateway → scout → oracle, each consumer a child of its producer', () => {
    const server = onlySpan('gateway', (span) => span.kind === 'server', 'HTTP server');
    const requested = onlySpan('gateway', (span) => span.kind === 'producer' && span.name === 'publish sokoul.search.requested', 'search.requested producer');
    const handled = onlySpan('scout', (span) => span.kind === 'consumer' && span.name === 'process sokoul.search.requested', 'search.requested consumer');
    const found = onlySpan('scout', (span) => span.kind === 'producer' && span.name === 'publish sokoul.releases.found', 'releases.found producer');
    const judged = onlySpan('oracle', (span) => span.kind === 'consumer' && span.name === 'process sokoul.releases.found', 'releases.found consumer');

    expect(descendsFrom(requested, server)).toBe(true);
    expect(requested.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': stack.subject('sokoul.search.requested') });
    expect(handled.parentSpanId).toBe(requested.spanId);
    expect(handled.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': stack.subject('sokoul.search.requested') });
    expect(descendsFrom(found, handled)).toBe(true);
    expect(judged.parentSpanId).toBe(found.spanId);
    expect(judged.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': stack.subject('sokoul.releases.found') });
  });

  it("records the workers' Postgres, Redis and HTTP calls inside their message spans", () => {
    const handled = onlySpan('scout', (span) => span.kind === 'consumer' && span.name === 'process sokoul.search.requested', 'search.requested consumer');
    const judged = onlySpan('oracle', (span) => span.kind === 'consumer' && span.name === 'process sokoul.releases.found', 'releases.found consumer');
    const scoutSpans = spansOf('scout').filter((span) => descendsFrom(span, handled));
    const oracleSpans = spansOf('oracle').filter((span) => descendsFrom(span, judged));
    const calledPort = (port: string) => (span: CollectedSpan) => span.kind === 'client' && span.attributes['server.port'] === Number(port);

    expect(scoutSpans.some((span) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql')).toBe(true);
    expect(scoutSpans.some((span) => span.attributes['db.system'] === 'redis' || span.attributes['db.system.name'] === 'redis')).toBe(true);
    expect(scoutSpans.some(calledPort(new URL(indexer.url).port))).toBe(true);
    expect(scoutSpans.some(calledPort(new URL(tmdb.url).port))).toBe(true);
    expect(oracleSpans.some(calledPort(new URL(llm.url).port))).toBe(true);
  });

  it('is one tree: every span of the trace has its parent in the trace, but the first, whose parent is the caller', async () => {
    // A parent is exported when it ends, after its children: the last ones (the scout handling
    // releases.validated, the gateway pushing it) may still be on their way.
    await eventually(() => {
      const spans = collector.trace(traceId);
      const ids = new Set(spans.map((span) => span.spanId));

      expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['gateway', 'scout', 'oracle']));
      expect(spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId))).toEqual([expect.objectContaining({ kind: 'server', parentSpanId: callerSpanId })]);
    }, 10_000);
  });

  it('records no span for health probes', () => {
    const paths = collector.spans.map((span) => String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? ''));

    expect(paths.some((path) => path.startsWith('/api/v1/'))).toBe(true);
    expect(paths.filter((path) => path.startsWith('/health'))).toEqual([]);
  });

  it('writes the trace id, and the span id of a span of the trace, on the log lines of the search', async () => {
    const spanIds = new Set(collector.trace(traceId).map((span) => span.spanId));
    const scoutLine = await scout.waitForLog((line) => line.msg === 'indexer query failed' && line['indexer'] === 'broken');
    const oracleLine = await oracle.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith(`search ${searchId}: `));

    for (const line of [scoutLine, oracleLine]) {
      expect(line['trace_id']).toBe(traceId);
      expect(spanIds.has(line['span_id'] as string)).toBe(true);
    }
  });
});
