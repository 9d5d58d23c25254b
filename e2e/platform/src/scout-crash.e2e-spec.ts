import { eventually, getJson, postJson, signUp, TestStack } from '@sokoul/testing';

const FAST_REDELIVERY = { NATS_ACK_WAIT_MS: '2000' };

describe('a scout killed in the middle of a handler', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('crash');
  });

  afterAll(async () => {
    await stack?.destroy();
  });

  it('has its message redelivered and the search completes once: no loss, no duplicate', async () => {
    const gateway = await stack.start('gateway');
    const { accessToken } = await signUp(gateway.url, 'neo');
    const created = await postJson<{ id: string }>(`${gateway.url}/api/v1/searches`, { query: 'The Matrix 1999' }, accessToken);
    const searchId = created.body.id;

    // Hold the search row so the scout's first write blocks: the handler is provably mid-way.
    const lock = stack.db.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query(`SELECT id FROM searches WHERE id = $1 FOR UPDATE`, [searchId]);

    const doomed = await stack.start('scout', FAST_REDELIVERY);
    await eventually(async () => {
      const [{ waiting }] = await stack.db.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'sokoul-scout' AND wait_event_type = 'Lock'`,
      );
      expect(waiting).toBe(1);
    });
    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const survivor = await stack.start('scout', FAST_REDELIVERY);
    await lock.rollbackTransaction();
    await lock.release();

    await eventually(async () => {
      const { body } = await getJson<{ status: string }>(`${gateway.url}/api/v1/searches/${searchId}`, accessToken);
      expect(body.status).toBe('completed');
    }, 30_000);

    const [search] = await stack.db.query(`SELECT completed_by FROM searches WHERE id = $1`, [searchId]);
    expect(search.completed_by).toContain(`-${survivor.pid}-`);
    const [{ count: records }] = await stack.db.query(
      `SELECT count(*)::int AS count FROM processed_messages WHERE message_id = $1`,
      [`search.requested:${searchId}`],
    );
    expect(records).toBe(1);
    const [{ count: rows }] = await stack.db.query(`SELECT count(*)::int AS count FROM searches`);
    expect(rows).toBe(1);

    const jsm = await stack.nats.jetstreamManager();
    const consumer = await jsm.consumers.info(stack.stream('SOKOUL_COMMANDS'), 'scout-sokoul_search_requested');
    expect(consumer.delivered.stream_seq).toBe(1);
    expect((await jsm.streams.info(stack.stream('SOKOUL_COMMANDS'))).state.messages).toBe(0);
    expect(await stack.eventCounts()).toEqual({ 'sokoul.search.completed': 1, 'sokoul.releases.found': 1 });
  });
});
