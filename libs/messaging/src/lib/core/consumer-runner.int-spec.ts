import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type JetStreamManager, type NatsConnection, type StoredMsg, connect } from 'nats';
import { type Envelope, type SearchRequested, Streams, type Subject, Subjects } from '@sokoul/contracts';
import { currentTrace, runInTrace } from '@sokoul/observability';
import { eventually, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { ConsumerRunner, type Delivery, type EnvelopeHandler, type RunnerLogger } from './consumer-runner';
import { NonRetryableError } from './errors';
import { Headers } from './headers';
import type { MessageContext } from './message-context';
import type { MessagingOptions } from './messaging-options';
import { JetStreamPublisher } from './publisher';
import { ensureStreams } from './topology';
import { Wire } from './wire';

jest.setTimeout(30_000);

const namespace = uniqueNamespace('runner');
const wire = new Wire(namespace);
const commandsStream = wire.stream(Streams.commands);
const eventsStream = wire.stream(Streams.events);
const deadLetterStream = wire.stream(Streams.deadLetters);

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;

const runners: ConsumerRunner[] = [];
/** Handlers a test left blocked are released before the runners stop. */
const gates: Array<() => void> = [];

interface LoggedWarning {
  message: string | object;
  context?: string;
}
let warnings: LoggedWarning[] = [];
const silentLogger: RunnerLogger = {
  log: () => undefined,
  warn: (message, context) => {
    warnings.push({ message, context });
  },
  error: () => undefined,
};

function options(overrides: Partial<MessagingOptions> = {}): MessagingOptions {
  return {
    service: 'spec',
    instanceId: 'instance-1',
    servers: testEnvironment.NATS_URL,
    namespace,
    ackWaitMs: 2_000,
    maxDeliver: 3,
    retryBackoffMs: [100],
    concurrency: 4,
    drainTimeoutMs: 10_000,
    ...overrides,
  };
}

async function startRunner(
  handler: EnvelopeHandler,
  overrides: Partial<MessagingOptions> = {},
  subject: Subject = Subjects.searchRequested,
  delivery: Delivery = 'competing',
): Promise<ConsumerRunner> {
  const runner = new ConsumerRunner(js, jsm, wire, options(overrides), subject, delivery, handler, silentLogger);
  await runner.start();
  runners.push(runner);
  return runner;
}

function searchRequested(query = 'The Matrix 1999'): SearchRequested {
  return { searchId: randomUUID(), query, requestedBy: null };
}

/** A promise the test resolves itself, to hold a handler in the middle of its work. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  return { wait, open };
}

async function streamMessages(stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

async function deadLetters(): Promise<StoredMsg[]> {
  const count = await streamMessages(deadLetterStream);
  const first = (await jsm.streams.info(deadLetterStream)).state.first_seq;
  const stored: StoredMsg[] = [];
  for (let seq = first; stored.length < count; seq++) {
    stored.push(await jsm.streams.getMessage(deadLetterStream, { seq }));
  }
  return stored;
}

/** Waits until the consumer holds nothing: every delivered message was acked or terminated. */
async function settled(runner: ConsumerRunner): Promise<void> {
  await eventually(async () => {
    const info = await jsm.consumers.info(runner.streamName, runner.consumerName);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  }, 15_000);
}

async function publishRaw(body: string | Uint8Array, subject: Subject = Subjects.searchRequested): Promise<void> {
  await js.publish(wire.subject(subject), body);
}

beforeAll(async () => {
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  js = nc.jetstream();
  publisher = new JetStreamPublisher(js, wire);
  await ensureStreams(jsm, wire);
});

afterEach(async () => {
  gates.splice(0).forEach((open) => open());
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  for (const stream of [commandsStream, eventsStream]) {
    for (const consumer of await jsm.consumers.list(stream).next()) {
      await jsm.consumers.delete(stream, consumer.name);
    }
  }
  for (const stream of [commandsStream, eventsStream, deadLetterStream]) await jsm.streams.purge(stream);
  warnings = [];
});

afterAll(async () => {
  if (!nc) return;
  for (const stream of [commandsStream, eventsStream, deadLetterStream]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
  await nc.close();
});

describe('ConsumerRunner', () => {
  it('hands a valid message to the handler with its typed payload and acks it (the work queue is empty afterwards)', async () => {
    const received: Array<{ envelope: Envelope; context: MessageContext }> = [];
    const runner = await startRunner(async (envelope, context) => {
      received.push({ envelope, context });
    });
    const payload = searchRequested();

    const published = await publisher.publish(Subjects.searchRequested, payload, { correlationId: 'corr-42' });

    await eventually(() => expect(received).toHaveLength(1));
    const [{ envelope, context }] = received;
    expect(envelope).toMatchObject({ id: published.id, type: 'search.requested', schemaVersion: 1, correlationId: 'corr-42' });
    expect(envelope.payload).toEqual(payload);
    expect(context).toMatchObject({ messageId: published.id, correlationId: 'corr-42', consumer: runner.consumerName });
    expect(context.deliveryCount).toBe(1);
    await settled(runner);
    expect(await streamMessages(commandsStream)).toBe(0);
    expect(await streamMessages(deadLetterStream)).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('names a competing consumer after the service and the subject', async () => {
    const runner = await startRunner(async () => undefined);

    expect(runner.consumerName).toBe('spec-sokoul_search_requested');
    expect(runner.streamName).toBe(commandsStream);
    const info = await jsm.consumers.info(commandsStream, runner.consumerName);
    expect(info.config.durable_name).toBe(runner.consumerName);
    expect(info.config.filter_subject).toBe(wire.subject(Subjects.searchRequested));
  });

  it('runs the handler in the trace of the message', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const seen: Array<string | undefined> = [];
    await startRunner(async () => {
      seen.push(currentTrace()?.traceId);
    });

    await runInTrace(`00-${traceId}-00f067aa0ba902b7-01`, () => publisher.publish(Subjects.searchRequested, searchRequested()));

    await eventually(() => expect(seen).toEqual([traceId]));
  });

  it('retries a failing handler after the configured backoff and dead-letters it after maxDeliver attempts', async () => {
    const attempts: Array<{ delivery: number; at: number }> = [];
    const runner = await startRunner(
      async (_envelope, context) => {
        attempts.push({ delivery: context.deliveryCount, at: performance.now() });
        throw new Error('indexer unreachable');
      },
      { maxDeliver: 3, retryBackoffMs: [300, 600] },
    );

    const published = await publisher.publish(Subjects.searchRequested, searchRequested());

    await eventually(async () => expect(await streamMessages(deadLetterStream)).toBe(1), 15_000);
    await settled(runner);
    expect(attempts.map((a) => a.delivery)).toEqual([1, 2, 3]);
    // The server holds a nak'ed message back for the delay it was given: the n-th retry waits the n-th value.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(300 - 15);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(600 - 15);
    expect(warnings.map((w) => (w.message as { msg?: string }).msg)).toEqual([
      'handler failed, retrying in 300 ms',
      'handler failed, retrying in 600 ms',
    ]);

    const [letter] = await deadLetters();
    expect(letter.subject).toBe(wire.deadLetterSubject(Subjects.searchRequested));
    expect(letter.header.get(Headers.deadLetterReason)).toBe('handler-failed');
    expect(letter.header.get(Headers.deadLetterDetail)).toBe('indexer unreachable (after 3 attempts)');
    expect(letter.header.get(Headers.originalSubject)).toBe(Subjects.searchRequested);
    expect(letter.header.get(Headers.originalStream)).toBe(commandsStream);
    expect(letter.header.get(Headers.consumer)).toBe(runner.consumerName);
    expect(letter.header.get(Headers.deliveries)).toBe('3');
    expect((letter.json() as Envelope).id).toBe(published.id);
    expect(await streamMessages(commandsStream)).toBe(0);
  });

  it('repeats the last backoff value once the list is used up', async () => {
    let calls = 0;
    await startRunner(
      async () => {
        calls++;
        throw new Error('still down');
      },
      { maxDeliver: 4, retryBackoffMs: [50] },
    );

    await publisher.publish(Subjects.searchRequested, searchRequested());

    await eventually(async () => expect(await streamMessages(deadLetterStream)).toBe(1), 15_000);
    expect(calls).toBe(4);
    expect(warnings.map((w) => (w.message as { msg?: string }).msg)).toEqual(Array(3).fill('handler failed, retrying in 50 ms'));
  });

  it('dead-letters a NonRetryableError on the first attempt', async () => {
    let calls = 0;
    const runner = await startRunner(async () => {
      calls++;
      throw new NonRetryableError('search row does not exist');
    });

    await publisher.publish(Subjects.searchRequested, searchRequested());

    await eventually(async () => expect(await streamMessages(deadLetterStream)).toBe(1));
    await settled(runner);
    expect(calls).toBe(1);
    const [letter] = await deadLetters();
    expect(letter.header.get(Headers.deadLetterReason)).toBe('non-retryable');
    expect(letter.header.get(Headers.deadLetterDetail)).toBe('search row does not exist');
    expect(letter.header.get(Headers.deliveries)).toBe('1');
  });

  it.each([
    ['malformed', 'a body that is not JSON', () => 'this is not json'],
    ['malformed', 'an invalid payload', () => rawEnvelope({ payload: { searchId: 'nope', query: '', requestedBy: null } })],
    ['wrong-type', 'the type of another subject', () => rawEnvelope({ type: 'search.completed' })],
    ['unknown-version', 'a schema version it does not know', () => rawEnvelope({ schemaVersion: 2 })],
  ])('never hands the handler a message it cannot read: dead-letters it as %s (%s)', async (reason, _label, body) => {
    let calls = 0;
    const runner = await startRunner(async () => {
      calls++;
    });
    const sent = body();

    await publishRaw(sent);

    await eventually(async () => expect(await streamMessages(deadLetterStream)).toBe(1));
    await settled(runner);
    expect(calls).toBe(0);
    const [letter] = await deadLetters();
    expect(letter.header.get(Headers.deadLetterReason)).toBe(reason);
    expect(letter.header.get(Headers.deadLetterDetail)).not.toBe('');
    expect(letter.header.get(Headers.originalSubject)).toBe(Subjects.searchRequested);
    expect(letter.header.get(Headers.deliveries)).toBe('1');
    expect(letter.string()).toBe(sent);
  });

  it('acks a message whose handler fails once then succeeds, on the second delivery, without dead-lettering it', async () => {
    const deliveries: number[] = [];
    const runner = await startRunner(async (_envelope, context) => {
      deliveries.push(context.deliveryCount);
      if (context.deliveryCount === 1) throw new Error('transient');
    });

    await publisher.publish(Subjects.searchRequested, searchRequested());

    await eventually(() => expect(deliveries).toEqual([1, 2]));
    await settled(runner);
    expect(deliveries).toEqual([1, 2]);
    expect(await streamMessages(commandsStream)).toBe(0);
    expect(await streamMessages(deadLetterStream)).toBe(0);
  });

  it('splits the messages between competing runners of one service, each message handled once', async () => {
    const handledBy = new Map<string, string[]>([
      ['a', []],
      ['b', []],
    ]);
    const handler = (name: string): EnvelopeHandler => async (envelope) => {
      handledBy.get(name)?.push(envelope.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const a = await startRunner(handler('a'), { instanceId: 'a', concurrency: 2 });
    const b = await startRunner(handler('b'), { instanceId: 'b', concurrency: 2 });
    expect(a.consumerName).toBe(b.consumerName);

    const published = await Promise.all(
      Array.from({ length: 40 }, (_, i) => publisher.publish(Subjects.searchRequested, searchRequested(`query ${i}`))),
    );

    const all = () => [...handledBy.get('a')!, ...handledBy.get('b')!];
    await eventually(() => expect(all()).toHaveLength(40), 15_000);
    await settled(a);
    expect(all().sort()).toEqual(published.map((p) => p.id).sort());
    expect(new Set(all()).size).toBe(40);
    expect(handledBy.get('a')!.length).toBeGreaterThan(0);
    expect(handledBy.get('b')!.length).toBeGreaterThan(0);
    expect(await streamMessages(commandsStream)).toBe(0);
  });

  it('never runs more handlers at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    const runner = await startRunner(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        done++;
      },
      { concurrency: 3 },
    );

    await Promise.all(Array.from({ length: 12 }, () => publisher.publish(Subjects.searchRequested, searchRequested())));

    await eventually(() => expect(done).toBe(12), 15_000);
    await settled(runner);
    expect(peak).toBe(3);
  });

  it('stop() waits for an in-flight handler to finish and ack before it resolves', async () => {
    const hold = gate();
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let finished = false;
    const runner = await startRunner(async () => {
      started();
      await hold.wait;
      finished = true;
    });
    await publisher.publish(Subjects.searchRequested, searchRequested());
    await handlerStarted;

    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);

    hold.open();
    await stopping;

    expect(finished).toBe(true);
    const info = await jsm.consumers.info(commandsStream, runner.consumerName);
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
    expect(await streamMessages(commandsStream)).toBe(0);
  });

  it('stop() releases a handler still running at the drain timeout to another replica, and its late result does not ack', async () => {
    const firstHold = gate();
    const firstDeliveries: number[] = [];
    let firstFinished!: () => void;
    const firstDone = new Promise<void>((resolve) => (firstFinished = resolve));
    const first = await startRunner(
      async (_envelope, context) => {
        firstDeliveries.push(context.deliveryCount);
        await firstHold.wait;
        firstFinished();
      },
      { instanceId: 'first', drainTimeoutMs: 200 },
    );
    await publisher.publish(Subjects.searchRequested, searchRequested());
    await eventually(() => expect(firstDeliveries).toEqual([1]));
    const secondHold = gate();
    const secondDeliveries: number[] = [];
    const second = await startRunner(
      async (_envelope, context) => {
        secondDeliveries.push(context.deliveryCount);
        await secondHold.wait;
      },
      { instanceId: 'second' },
    );

    await first.stop();

    expect(warnings.map((w) => w.message)).toContain('released 1 in-flight message(s) for redelivery after the drain timeout');
    await eventually(() => expect(secondDeliveries).toEqual([2]));
    firstHold.open();
    await firstDone;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first handler's late success must not ack the message the second replica is handling.
    expect((await jsm.consumers.info(commandsStream, second.consumerName)).num_ack_pending).toBe(1);
    expect(await streamMessages(commandsStream)).toBe(1);

    secondHold.open();
    await settled(second);
    expect(firstDeliveries).toEqual([1]);
    expect(secondDeliveries).toEqual([2]);
    expect(await streamMessages(commandsStream)).toBe(0);
    expect(await streamMessages(deadLetterStream)).toBe(0);
  });

  it('stop() returns after the drain timeout even when every slot is held by a handler that never returns and more messages wait', async () => {
    const stuck: string[] = [];
    const runner = await startRunner(
      async (envelope) => {
        stuck.push(envelope.id);
        await new Promise(() => undefined);
      },
      { instanceId: 'stuck', concurrency: 1, drainTimeoutMs: 200 },
    );
    const first = await publisher.publish(Subjects.searchRequested, searchRequested());
    const second = await publisher.publish(Subjects.searchRequested, searchRequested());
    await eventually(() => expect(stuck).toHaveLength(1));

    await runner.stop();

    expect(warnings.map((w) => w.message)).toContain('released 1 in-flight message(s) for redelivery after the drain timeout');
    expect(stuck).toHaveLength(1);
    // Nothing is lost with the stopped replica: another one handles both messages.
    const handled: string[] = [];
    await startRunner(async (envelope) => {
      handled.push(envelope.id);
    }, { instanceId: 'survivor' });
    // At-least-once: a released message may reach the survivor twice; none may be missing.
    await eventually(() => expect([...new Set(handled)].sort()).toEqual([first.id, second.id].sort()), 15_000);
    await eventually(async () => expect(await streamMessages(commandsStream)).toBe(0));
  });

  it('dead-letters on receipt, without calling the handler, a message already delivered maxDeliver times without an ack', async () => {
    // What a handler that kills its process leaves behind: deliveries that were never acked.
    const config = { ackWaitMs: 1_000, maxDeliver: 2 };
    const provisioning = await startRunner(async () => undefined, config);
    await provisioning.stop();
    await publisher.publish(Subjects.searchRequested, searchRequested());
    const consumer = await js.consumers.get(commandsStream, provisioning.consumerName);
    // Received and never acked: redelivered once the ack wait ran out.
    expect((await consumer.next({ expires: 5_000 }))?.info.deliveryCount).toBe(1);
    expect((await consumer.next({ expires: 5_000 }))?.info.deliveryCount).toBe(2);
    let calls = 0;

    const runner = await startRunner(async () => {
      calls++;
    }, config);

    await eventually(async () => expect(await streamMessages(deadLetterStream)).toBe(1), 10_000);
    await settled(runner);
    expect(calls).toBe(0);
    const [letter] = await deadLetters();
    expect(letter.header.get(Headers.deadLetterReason)).toBe('max-deliveries');
    expect(letter.header.get(Headers.deadLetterDetail)).toBe('delivered 3 times without an ack');
    expect(letter.header.get(Headers.deliveries)).toBe('3');
    expect(await streamMessages(commandsStream)).toBe(0);
  });

  it('keeps a handler that runs longer than ackWaitMs from being redelivered (working acks)', async () => {
    let calls = 0;
    let finished = false;
    const runner = await startRunner(
      async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 3_500));
        finished = true;
      },
      { ackWaitMs: 1_000 },
    );

    await publisher.publish(Subjects.searchRequested, searchRequested());

    await eventually(() => expect(finished).toBe(true), 10_000);
    await settled(runner);
    expect(calls).toBe(1);
    expect(await streamMessages(commandsStream)).toBe(0);
  });

  it('gives every broadcast runner each event published after it started', async () => {
    const completed = (searchId: string) => ({
      searchId,
      status: 'completed' as const,
      requestedBy: null,
      releaseCount: 2,
      completedAt: new Date().toISOString(),
    });
    await publisher.publish(Subjects.searchCompleted, completed(randomUUID()));
    const seen = new Map<string, string[]>([
      ['a', []],
      ['b', []],
    ]);
    const handler = (name: string): EnvelopeHandler => async (envelope) => {
      seen.get(name)?.push((envelope.payload as { searchId: string }).searchId);
    };
    const a = await startRunner(handler('a'), { instanceId: 'a' }, Subjects.searchCompleted, 'broadcast');
    const b = await startRunner(handler('b'), { instanceId: 'b' }, Subjects.searchCompleted, 'broadcast');
    expect(a.consumerName).not.toBe(b.consumerName);
    expect(a.streamName).toBe(eventsStream);

    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) await publisher.publish(Subjects.searchCompleted, completed(id));

    await eventually(() => {
      expect(seen.get('a')).toEqual(ids);
      expect(seen.get('b')).toEqual(ids);
    });
    await settled(a);
    await settled(b);
  });
});

function rawEnvelope(overrides: Record<string, unknown>): string {
  return JSON.stringify({
    id: randomUUID(),
    type: 'search.requested',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'corr',
    payload: searchRequested(),
    ...overrides,
  });
}
