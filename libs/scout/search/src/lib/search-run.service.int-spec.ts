import { randomUUID } from 'node:crypto';
import { AckPolicy, type Consumer, type JetStreamManager, type JsMsg, type NatsConnection, type StoredMsg, connect } from 'nats';
import type { DataSource } from 'typeorm';
import { type Envelope, type SearchCompleted, type SearchRequested, Streams, Subjects, decodeMessage } from '@sokoul/contracts';
import { JetStreamPublisher, MessageContext, type MessagingOptions, NonRetryableError, Wire, ensureStreams } from '@sokoul/messaging';
import { ProcessedMessageEntity, ProcessedMessageRepository, SearchRepository, UserEntity } from '@sokoul/persistence';
import { createTestSchema, removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { SearchRunService } from './search-run.service';

jest.setTimeout(30_000);

const namespace = uniqueNamespace('scout_run');
const wire = new Wire(namespace);
const commandsStream = wire.stream(Streams.commands);
const eventsStream = wire.stream(Streams.events);
const consumerName = wire.consumerName('scout', Subjects.searchRequested);

const messaging: MessagingOptions = {
  service: 'scout',
  instanceId: 'scout-test-1',
  servers: testEnvironment.NATS_URL,
  namespace,
  ackWaitMs: 30_000,
  maxDeliver: 3,
  retryBackoffMs: [100],
  concurrency: 2,
  drainTimeoutMs: 2_000,
};

let dataSource: DataSource;
let nc: NatsConnection | undefined;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;
let commands: Consumer;
let searches: SearchRepository;
let processed: ProcessedMessageRepository;
let service: SearchRunService;
/** Every command a test pulled; acked after it (a no-op for one the test already nak'ed). */
const pulled: JsMsg[] = [];

interface Delivered {
  msg: JsMsg;
  context: MessageContext;
}

/** Pulls the next command the way the runner does, and wraps it in a real MessageContext. */
async function receive(): Promise<Delivered> {
  const msg = await commands.next({ expires: 5_000 });
  if (!msg) throw new Error('no search.requested command was delivered');
  pulled.push(msg);
  const decoded = decodeMessage(Subjects.searchRequested, msg.data);
  if (!decoded.ok) throw new Error(`undecodable command: ${decoded.detail}`);
  return { msg, context: new MessageContext(msg, Subjects.searchRequested, decoded.envelope, consumerName) };
}

/** Publishes a search.requested command on the real commands stream and receives it. */
async function command(request: SearchRequested, correlationId?: string): Promise<Delivered> {
  await publisher.publish(Subjects.searchRequested, request, correlationId ? { correlationId } : {});
  return receive();
}

async function queuedSearch(userId: string | null = null): Promise<SearchRequested> {
  const id = randomUUID();
  await searches.create({ id, userId, query: 'The Matrix 1999' });
  return { searchId: id, query: 'The Matrix 1999', requestedBy: userId };
}

/** The search.completed events stored in the events stream for one search. */
async function completedEvents(searchId: string): Promise<StoredMsg[]> {
  const { state } = await jsm.streams.info(eventsStream);
  const found: StoredMsg[] = [];
  if (state.messages === 0) return found;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(eventsStream, { seq });
    if ((stored.json() as Envelope<SearchCompleted>).payload.searchId === searchId) found.push(stored);
  }
  return found;
}

function processedRows(messageId: string): Promise<number> {
  return dataSource.getRepository(ProcessedMessageEntity).countBy({ messageId });
}

beforeAll(async () => {
  ({ dataSource } = await createTestSchema(namespace));
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, wire);
  await jsm.consumers.add(commandsStream, {
    durable_name: consumerName,
    ack_policy: AckPolicy.Explicit,
    filter_subject: wire.subject(Subjects.searchRequested),
  });
  const js = nc.jetstream();
  commands = await js.consumers.get(commandsStream, consumerName);
  publisher = new JetStreamPublisher(js, wire);
  searches = new SearchRepository(dataSource);
  processed = new ProcessedMessageRepository(dataSource);
  service = new SearchRunService(searches, processed, publisher, messaging);
});

afterEach(() => {
  for (const msg of pulled.splice(0)) msg.ack();
});

afterAll(async () => {
  await dataSource?.destroy();
  await nc?.close();
  await removeNamespace(namespace);
});

describe('SearchRunService.run (real Postgres and JetStream)', () => {
  it('completes a queued search, recording the instance that completed it and when', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const search = await searches.findById(request.searchId);
    expect(search).toMatchObject({ status: 'completed', completedBy: 'scout-test-1', releaseCount: 0, error: null });
    expect(search?.startedAt).toBeInstanceOf(Date);
    expect(search?.completedAt).toBeInstanceOf(Date);
    expect(search!.completedAt!.getTime()).toBeGreaterThanOrEqual(search!.startedAt!.getTime());
  });

  it('records the message as processed under its consumer, in the same run', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    expect(await processed.count(consumerName, context.messageId)).toBe(1);
    expect(await processedRows(context.messageId)).toBe(1);
  });

  it('publishes one search.completed event with a stable message id and the final state as payload', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const search = await searches.findById(request.searchId);
    const events = await completedEvents(request.searchId);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.subject).toBe(wire.subject(Subjects.searchCompleted));
    expect(event.header.get('Nats-Msg-Id')).toBe(`search.completed:${request.searchId}`);
    const envelope = event.json() as Envelope<SearchCompleted>;
    expect(envelope).toMatchObject({ id: `search.completed:${request.searchId}`, type: 'search.completed', schemaVersion: 1 });
    expect(envelope.payload).toEqual({
      searchId: request.searchId,
      status: 'completed',
      requestedBy: null,
      releaseCount: 0,
      completedAt: search!.completedAt!.toISOString(),
    });
    expect(decodeMessage(Subjects.searchCompleted, event.data).ok).toBe(true);
  });

  it('names the owner of the search as requestedBy in the event', async () => {
    const userId = randomUUID();
    await dataSource.getRepository(UserEntity).insert({
      id: userId,
      username: `neo-${userId.slice(0, 8)}`,
      email: `neo-${userId.slice(0, 8)}@example.test`,
      passwordHash: 'not-a-real-hash',
      role: 'user',
    });
    const request = await queuedSearch(userId);
    const { context } = await command(request);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope<SearchCompleted>).payload.requestedBy).toBe(userId);
  });

  it("carries the command's correlationId on the event, in the envelope and the header", async () => {
    const correlationId = `corr-${randomUUID()}`;
    const request = await queuedSearch();
    const { context } = await command(request, correlationId);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope).correlationId).toBe(correlationId);
    expect(event.header.get('Sokoul-Correlation-Id')).toBe(correlationId);
  });

  it('uses the command id as correlationId when the command started a new correlation', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope).correlationId).toBe(context.messageId);
  });

  it('handles a redelivery of the same message once: one processed row, one event, completedAt unchanged', async () => {
    const request = await queuedSearch();
    const first = await command(request);
    await service.run(request, first.context);
    const afterFirst = await searches.findById(request.searchId);
    // The process "crashed" before acking: JetStream delivers the same message again.
    first.msg.nak();
    const second = await receive();
    expect(second.context.messageId).toBe(first.context.messageId);
    expect(second.context.deliveryCount).toBe(2);

    await service.run(request, second.context);

    const afterSecond = await searches.findById(request.searchId);
    expect(afterSecond?.status).toBe('completed');
    expect(afterSecond?.completedAt?.toISOString()).toBe(afterFirst?.completedAt?.toISOString());
    expect(afterSecond?.startedAt?.toISOString()).toBe(afterFirst?.startedAt?.toISOString());
    expect(await processedRows(first.context.messageId)).toBe(1);
    const events = await completedEvents(request.searchId);
    expect(events).toHaveLength(1);
    expect((events[0].json() as Envelope<SearchCompleted>).payload.completedAt).toBe(afterFirst!.completedAt!.toISOString());
  });

  it('lets two deliveries of one message racing in parallel complete the search once', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await Promise.all([service.run(request, context), service.run(request, context)]);

    expect((await searches.findById(request.searchId))?.status).toBe('completed');
    expect(await processedRows(context.messageId)).toBe(1);
    expect(await completedEvents(request.searchId)).toHaveLength(1);
  });

  it('rejects a search id that does not exist with a NonRetryableError, writing and publishing nothing', async () => {
    const request: SearchRequested = { searchId: randomUUID(), query: 'Nowhere 2000', requestedBy: null };
    const { context } = await command(request);

    const outcome = service.run(request, context);

    await expect(outcome).rejects.toBeInstanceOf(NonRetryableError);
    await expect(outcome).rejects.toThrow(`search ${request.searchId} does not exist`);
    expect(await processedRows(context.messageId)).toBe(0);
    expect(await completedEvents(request.searchId)).toHaveLength(0);
  });

  it('does not complete again a search that was already finished before its command arrived', async () => {
    const request = await queuedSearch();
    await searches.markFinished(request.searchId, { status: 'failed', releaseCount: 0, error: 'indexer said no', completedBy: 'scout-other' });
    const before = await searches.findById(request.searchId);
    const { context } = await command(request);

    await service.run(request, context);

    const after = await searches.findById(request.searchId);
    expect(after).toMatchObject({ status: 'failed', completedBy: 'scout-other', error: 'indexer said no' });
    expect(after?.completedAt?.toISOString()).toBe(before?.completedAt?.toISOString());
    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope<SearchCompleted>).payload).toMatchObject({ status: 'failed', error: 'indexer said no' });
  });
});
