import { type Consumer, type NatsConnection, AckPolicy, connect } from 'nats';
import type { DataSource } from 'typeorm';
import { type Envelope, Streams, type SystemAlert, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher, Wire, ensureStreams } from '@sokoul/messaging';
import { AlertRepository } from '@sokoul/persistence';
import { type AlertNotice, AlertDispatcher } from '@sokoul/sentinel/alert-sinks';
import { createTestSchema, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { AlertEngine } from './alert-engine.service';
import type { CheckOutcome } from './checks/check';

jest.setTimeout(30_000);

const namespace = uniqueNamespace('alerts');
const wire = new Wire(namespace);
let dataSource: DataSource;
let drop: () => Promise<void>;
let nc: NatsConnection;
let publisher: JetStreamPublisher;
let events: Consumer;

/** Records what would have gone to the webhooks: a dispatcher whose sink is this test. */
class RecordingDispatcher extends AlertDispatcher {
  readonly notices: AlertNotice[] = [];

  constructor() {
    super({ sinks: [] });
  }

  override async deliver(notice: AlertNotice) {
    this.notices.push(notice);
    return [];
  }
}

const down = (key: string, title = `${key} is down`): CheckOutcome => ({ key, ok: false, severity: 'critical', title, detail: 'no answer' });
const up = (key: string): CheckOutcome => ({ key, ok: true, severity: 'critical', title: `${key} is up`, detail: 'answered' });

function engine(dispatcher = new RecordingDispatcher(), repository = new AlertRepository(dataSource)) {
  return { engine: new AlertEngine(repository, publisher, dispatcher), notices: dispatcher.notices };
}

/** The system.alert events published so far (this file's namespace). */
async function published(): Promise<SystemAlert[]> {
  const found: SystemAlert[] = [];
  const { num_pending: pending } = await events.info();
  for (let i = 0; i < pending; i++) {
    const msg = await events.next({ expires: 2_000 });
    if (!msg) break;
    found.push((msg.json() as Envelope<SystemAlert>).payload);
    msg.ack();
  }
  return found;
}

beforeAll(async () => {
  ({ dataSource, drop } = await createTestSchema(namespace));
  nc = await connect({ servers: testEnvironment.NATS_URL });
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, wire);
  publisher = new JetStreamPublisher(nc.jetstream(), wire);
  await jsm.consumers.add(wire.stream(Streams.events), { durable_name: 'alert-spec', ack_policy: AckPolicy.Explicit, filter_subject: wire.subject(Subjects.systemAlert) });
  events = await nc.jetstream().consumers.get(wire.stream(Streams.events), 'alert-spec');
});

afterAll(async () => {
  const jsm = await nc.jetstreamManager();
  for (const stream of Object.values(Streams)) await jsm.streams.delete(wire.stream(stream)).catch(() => undefined);
  await nc.close();
  await drop();
});

describe('AlertEngine (real Postgres and NATS)', () => {
  it('raises one alert while a thing stays bad, resolves it when it recovers, and announces both', async () => {
    const { engine: sentinel, notices } = engine();

    await sentinel.evaluate([{ category: 'dependency', outcomes: [down('dependency:redis', 'Redis is down'), up('dependency:postgres')] }]);
    await sentinel.evaluate([{ category: 'dependency', outcomes: [down('dependency:redis', 'Redis is down'), up('dependency:postgres')] }]);
    await sentinel.evaluate([{ category: 'dependency', outcomes: [up('dependency:redis'), up('dependency:postgres')] }]);

    expect(notices.map((n) => [n.key, n.state, n.title])).toEqual([
      ['dependency:redis', 'raised', 'Redis is down'],
      ['dependency:redis', 'resolved', 'Redis is down'],
    ]);
    expect(notices[0].id).toBe(notices[1].id);
    const stored = await new AlertRepository(dataSource).list(10);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ key: 'dependency:redis', severity: 'critical', resolvedAt: expect.any(Date) });
    expect((await published()).map((e) => [e.key, e.state])).toEqual([
      ['dependency:redis', 'raised'],
      ['dependency:redis', 'resolved'],
    ]);
  });

  it('records every outcome as the latest check, for the status page', async () => {
    const { engine: sentinel } = engine();

    await sentinel.evaluate([{ category: 'disk', outcomes: [{ key: 'disk:library', ok: true, severity: 'warning', title: 'Disk space: library', detail: '120 GiB free' }] }]);

    expect(await new AlertRepository(dataSource).checks()).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'disk:library', ok: true, detail: '120 GiB free' })]));
  });

  it('resolves an alert whose thing is no longer watched, and leaves one it cannot judge yet', async () => {
    const { engine: sentinel, notices } = engine();
    await sentinel.evaluate([{ category: 'indexer', outcomes: [down('indexer:a'), down('indexer:b')] }]);

    await sentinel.evaluate([{ category: 'indexer', outcomes: [{ ...down('indexer:b'), ok: undefined }] }]);

    expect(notices.map((n) => [n.key, n.state])).toEqual([
      ['indexer:a', 'raised'],
      ['indexer:b', 'raised'],
      ['indexer:a', 'resolved'],
    ]);
    expect(sentinel.openAlerts().map((a) => a.key)).toEqual(['indexer:b']);
    await sentinel.evaluate([{ category: 'indexer', outcomes: [] }]);
    await published();
  });

  it('lets one of two sentinels raise and resolve, the other announcing nothing', async () => {
    const [first, second] = [engine(), engine()];

    await Promise.all([first.engine.evaluate([{ category: 'service', outcomes: [down('service:scout')] }]), second.engine.evaluate([{ category: 'service', outcomes: [down('service:scout')] }])]);
    await Promise.all([first.engine.evaluate([{ category: 'service', outcomes: [up('service:scout')] }]), second.engine.evaluate([{ category: 'service', outcomes: [up('service:scout')] }])]);

    expect([...first.notices, ...second.notices].map((n) => n.state).sort()).toEqual(['raised', 'resolved']);
    expect((await published()).filter((e) => e.key === 'service:scout').map((e) => e.state)).toEqual(['raised', 'resolved']);
  });

  it('after a restart, knows the alerts still open and announces their resolution', async () => {
    const before = engine();
    await before.engine.evaluate([{ category: 'model', outcomes: [down('model:llm')] }]);

    const after = engine();
    await after.engine.evaluate([{ category: 'model', outcomes: [down('model:llm')] }]);
    await after.engine.evaluate([{ category: 'model', outcomes: [up('model:llm')] }]);

    expect(after.notices.map((n) => [n.key, n.state, n.id])).toEqual([['model:llm', 'resolved', before.notices[0].id]]);
    await published();
  });

  it('announces "Postgres is down" while Postgres is down, and stores it once it is back', async () => {
    const { dataSource: own, drop: dropOwn } = await createTestSchema(uniqueNamespace('alerts_pg'));
    const repository = new AlertRepository(own);
    const { engine: sentinel, notices } = engine(new RecordingDispatcher(), repository);
    try {
      await sentinel.evaluate([{ category: 'dependency', outcomes: [up('dependency:postgres')] }]);
      await own.destroy();

      await sentinel.evaluate([{ category: 'dependency', outcomes: [down('dependency:postgres', 'Postgres is down')] }]);

      expect(notices.map((n) => [n.key, n.state])).toEqual([['dependency:postgres', 'raised']]);
      expect((await published()).map((e) => e.title)).toEqual(['Postgres is down']);

      await own.initialize();
      await sentinel.evaluate([{ category: 'dependency', outcomes: [down('dependency:postgres', 'Postgres is down')] }]);
      expect((await repository.open()).map((a) => [a.key, a.id])).toEqual([['dependency:postgres', notices[0].id]]);
    } finally {
      await dropOwn();
    }
  });
});
