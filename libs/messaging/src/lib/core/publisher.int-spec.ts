import { randomUUID } from 'node:crypto';
import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import { type Envelope, type SearchCompleted, type SearchRequested, Streams, Subjects } from '@sokoul/contracts';
import { parseTraceparent, runInTrace } from '@sokoul/observability';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { Headers } from './headers';
import { JetStreamPublisher, PublishError } from './publisher';
import { ensureStreams } from './topology';
import { Wire } from './wire';

jest.setTimeout(20_000);

const namespace = uniqueNamespace('publisher');
const wire = new Wire(namespace);
const commandsStream = wire.stream(Streams.commands);
const eventsStream = wire.stream(Streams.events);
const deadLetterStream = wire.stream(Streams.deadLetters);

let nc: NatsConnection;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;

function searchRequested(): SearchRequested {
  return { searchId: randomUUID(), query: 'Blade Runner 1982', requestedBy: randomUUID() };
}

async function storedMessages(stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

async function stored(stream: string, seq: number) {
  const message = await jsm.streams.getMessage(stream, { seq });
  return { message, envelope: message.json<Envelope>() };
}

beforeAll(async () => {
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  publisher = new JetStreamPublisher(nc.jetstream(), wire);
  await ensureStreams(jsm, wire);
});

afterEach(async () => {
  for (const stream of [commandsStream, eventsStream, deadLetterStream]) await jsm.streams.purge(stream);
});

afterAll(async () => {
  if (!nc) return;
  for (const stream of [commandsStream, eventsStream, deadLetterStream]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
  await nc.close();
});

describe('JetStreamPublisher', () => {
  it('stores a command in the commands stream under the namespaced subject', async () => {
    const payload = searchRequested();

    const published = await publisher.publish(Subjects.searchRequested, payload);

    expect(published.duplicate).toBe(false);
    expect(await storedMessages(commandsStream)).toBe(1);
    const { message, envelope } = await stored(commandsStream, published.sequence);
    expect(message.subject).toBe(`${namespace}.${Subjects.searchRequested}`);
    expect(envelope.id).toBe(published.id);
    expect(envelope.payload).toEqual(payload);
  });

  it('stores an event in the events stream', async () => {
    const payload: SearchCompleted = {
      searchId: randomUUID(),
      status: 'failed',
      requestedBy: null,
      releaseCount: 0,
      completedAt: new Date().toISOString(),
      error: 'indexer unreachable',
    };

    const published = await publisher.publish(Subjects.searchCompleted, payload);

    expect(await storedMessages(eventsStream)).toBe(1);
    expect(await storedMessages(commandsStream)).toBe(0);
    expect((await stored(eventsStream, published.sequence)).envelope.payload).toEqual(payload);
  });

  it('stores one message when the same id is published twice, and says the second was a duplicate', async () => {
    const id = `search.requested:${randomUUID()}`;
    const payload = searchRequested();

    const first = await publisher.publish(Subjects.searchRequested, payload, { id });
    const second = await publisher.publish(Subjects.searchRequested, payload, { id });

    expect(first).toMatchObject({ id, duplicate: false });
    expect(second).toMatchObject({ id, duplicate: true, sequence: first.sequence });
    expect(await storedMessages(commandsStream)).toBe(1);
    expect((await stored(commandsStream, first.sequence)).message.header.get(Headers.messageId)).toBe(id);
  });

  it('stores two messages for two publishes without an id', async () => {
    const payload = searchRequested();

    const first = await publisher.publish(Subjects.searchRequested, payload);
    const second = await publisher.publish(Subjects.searchRequested, payload);

    expect(second.id).not.toBe(first.id);
    expect(second.duplicate).toBe(false);
    expect(await storedMessages(commandsStream)).toBe(2);
  });

  it.each([
    ['a searchId that is not a uuid', { searchId: 'not-a-uuid', query: 'Alien', requestedBy: null }],
    ['an empty query', { searchId: randomUUID(), query: '   ', requestedBy: null }],
    ['an unknown field', { searchId: randomUUID(), query: 'Alien', requestedBy: null, tmdbId: 348 }],
  ])('refuses a payload with %s before anything is stored', async (_label, payload) => {
    await expect(publisher.publish(Subjects.searchRequested, payload as unknown as SearchRequested)).rejects.toThrow(
      /^refusing to publish an invalid search\.requested: /,
    );

    expect(await storedMessages(commandsStream)).toBe(0);
  });

  it('stores an envelope carrying type, schemaVersion, occurredAt, the correlation id and a traceparent', async () => {
    const before = Date.now();

    const published = await publisher.publish(Subjects.searchRequested, searchRequested(), { correlationId: 'http-request-7' });

    const { message, envelope } = await stored(commandsStream, published.sequence);
    expect(envelope).toMatchObject({ id: published.id, type: 'search.requested', schemaVersion: 1, correlationId: 'http-request-7' });
    expect(Date.parse(envelope.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(envelope.occurredAt)).toBeLessThanOrEqual(Date.now());
    expect(parseTraceparent(envelope.traceparent)).toBeDefined();
    expect(message.header.get(Headers.correlationId)).toBe('http-request-7');
    expect(message.header.get(Headers.traceparent)).toBe(envelope.traceparent);
    expect(message.header.get(Headers.messageId)).toBe(published.id);
  });

  it('uses the message id as correlation id when none is given', async () => {
    const published = await publisher.publish(Subjects.searchRequested, searchRequested());

    const { envelope } = await stored(commandsStream, published.sequence);
    expect(envelope.correlationId).toBe(published.id);
  });

  it('keeps the trace id of the current trace, in a span of its own', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const incoming = `00-${traceId}-00f067aa0ba902b7-01`;

    const published = await runInTrace(incoming, () => publisher.publish(Subjects.searchRequested, searchRequested()));

    const { envelope } = await stored(commandsStream, published.sequence);
    const sent = parseTraceparent(envelope.traceparent);
    expect(sent?.traceId).toBe(traceId);
    expect(sent?.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('sends the traceparent it is given as it is', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

    const published = await publisher.publish(Subjects.searchRequested, searchRequested(), { traceparent });

    const { message, envelope } = await stored(commandsStream, published.sequence);
    expect(envelope.traceparent).toBe(traceparent);
    expect(message.header.get(Headers.traceparent)).toBe(traceparent);
  });

  it('starts a new trace for each publish made outside any trace', async () => {
    const first = await publisher.publish(Subjects.searchRequested, searchRequested());
    const second = await publisher.publish(Subjects.searchRequested, searchRequested());

    const traceIds = await Promise.all(
      [first, second].map(async (p) => parseTraceparent((await stored(commandsStream, p.sequence)).envelope.traceparent)?.traceId),
    );
    expect(traceIds[0]).toBeDefined();
    expect(traceIds[0]).not.toBe(traceIds[1]);
  });

  it('rejects with a PublishError when no stream stores the subject', async () => {
    const unprovisioned = new JetStreamPublisher(nc.jetstream(), new Wire(uniqueNamespace('nostream')), 1_000);

    const attempt = unprovisioned.publish(Subjects.searchRequested, searchRequested());

    await expect(attempt).rejects.toBeInstanceOf(PublishError);
    await expect(attempt).rejects.toThrow(/^could not publish to sokoul\.search\.requested: /);
  });
});
