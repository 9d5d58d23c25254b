import { randomBytes } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { Client } from 'pg';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';
import { PostgresListener } from './postgres-listener';

jest.setTimeout(30_000);

// @sokoul/testing builds on this library, so this spec cannot import it (see persistence.int-spec.ts).
const { TEST_DATABASE_URL } = loadConfig(
  z.object({ TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test') }),
);

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PostgresListener (real Postgres)', () => {
  const channel = `test_listener_${randomBytes(4).toString('hex')}`;
  let notifier: Client;
  const listeners: PostgresListener[] = [];

  /** Named in pg_stat_activity `listener-<n>`, so a test can find its own connection. */
  function listener(connectionString: string) {
    const heard: string[] = [];
    let gaps = 0;
    const name = `${channel}-${listeners.length}`;
    const created = new PostgresListener(
      { connectionString, connectionTimeoutMillis: 2_000, application_name: name },
      { channel, onNotification: (payload) => heard.push(payload), onGap: () => gaps++, maxReconnectDelayMs: 500 },
    );
    listeners.push(created);
    return { listener: created, heard, gaps: () => gaps, name };
  }

  beforeAll(async () => {
    notifier = new Client({ connectionString: TEST_DATABASE_URL });
    await notifier.connect();
  });

  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
    await notifier.end();
  });

  it('hears what is notified on its channel after a commit, in order, and nothing of other channels', async () => {
    const { listener: l, heard } = listener(TEST_DATABASE_URL);
    await l.start();
    expect(l.listening).toBe(true);

    await notifier.query('BEGIN');
    await notifier.query(`SELECT pg_notify($1, 'first'), pg_notify($1, 'second'), pg_notify('another_channel', 'not ours')`, [channel]);
    expect(heard).toEqual([]);
    await notifier.query('COMMIT');

    await until(() => heard.length === 2);
    expect(heard).toEqual(['first', 'second']);
  });

  it('starts without Postgres, reports nothing heard, and listens once Postgres can be reached', async () => {
    // A port that accepts nothing at first, then forwards to Postgres.
    const target = new URL(TEST_DATABASE_URL);
    let forwarding = false;
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      sockets.add(client);
      if (!forwarding) return client.destroy();
      const upstream = new Socket();
      sockets.add(upstream);
      upstream.connect(Number(target.port || 5432), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new URL(TEST_DATABASE_URL);
    proxied.host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const { listener: l, heard, gaps } = listener(proxied.toString());

    await l.start();
    expect(l.listening).toBe(false);
    expect(gaps()).toBe(0);

    forwarding = true;
    await until(() => l.listening);
    expect(gaps()).toBe(1);
    await notifier.query(`SELECT pg_notify($1, 'after')`, [channel]);
    await until(() => heard.includes('after'));

    await l.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('reports a gap when its connection is lost, and listens again on a new one', async () => {
    const { listener: l, heard, gaps, name } = listener(TEST_DATABASE_URL);
    await l.start();
    const [{ pid }] = (await notifier.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [name])).rows as Array<{ pid: number }>;

    await notifier.query('SELECT pg_terminate_backend($1)', [pid]);

    await until(() => gaps() === 3 && l.listening); // connected, lost, connected again
    await notifier.query(`SELECT pg_notify($1, 'again')`, [channel]);
    await until(() => heard.includes('again'));
  });

  it('stops for good: no reconnection after stop, and nothing heard', async () => {
    const { listener: l, heard, gaps } = listener(TEST_DATABASE_URL);
    await l.start();

    await l.stop();
    expect(l.listening).toBe(false);
    expect(gaps()).toBe(2);
    await notifier.query(`SELECT pg_notify($1, 'too late')`, [channel]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(l.listening).toBe(false);
    expect(heard).not.toContain('too late');
  });
});
