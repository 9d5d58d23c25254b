import WebSocket from 'ws';
import { type ServiceName, ServiceProcess, eventually, type Account, getJson, openSocket, postJson, signUp, TestStack } from '@sokoul/testing';

const SERVICES: ServiceName[] = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'];

interface SearchBody {
  id: string;
  status: string;
  query: string;
}

describe('the platform, five services as real processes', () => {
  let stack: TestStack;
  const running = new Map<ServiceName, ServiceProcess>();
  let admin: Account;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    stack = await TestStack.create('platform');
    for (const name of SERVICES) running.set(name, await stack.start(name));
    admin = await signUp(gateway().url, 'admin');
    alice = await signUp(gateway().url, 'alice');
    bob = await signUp(gateway().url, 'bob');
  });

  afterAll(async () => {
    await stack?.destroy();
  });

  const gateway = () => running.get('gateway')!;

  it.each(SERVICES)('%s reports ready with every dependency it uses up', async (name) => {
    const { status, body } = await getJson<{ status: string; info: Record<string, { status: string }> }>(
      `${running.get(name)!.url}/health/ready`,
    );
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.info).length).toBeGreaterThan(0);
    for (const dependency of Object.values(body.info)) expect(dependency.status).toBe('up');
    expect((await getJson(`${running.get(name)!.url}/health/live`)).status).toBe(200);
  });

  it.each(SERVICES)('%s serves Prometheus metrics labelled with its service name', async (name) => {
    const response = await fetch(`${running.get(name)!.url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toMatch(new RegExp(`^process_resident_memory_bytes\\{service="${name}"\\} \\d+`, 'm'));
    expect(text).toContain('sokoul_');
  });

  const ws = () => `ws://127.0.0.1:${gateway().port}/ws`;

  it('carries a search from REST to the scout and pushes its completion over WebSocket', async () => {
    const { socket, frames } = await openSocket(ws(), alice.accessToken);
    try {
      const created = await postJson<SearchBody>(`${gateway().url}/api/v1/searches`, { query: 'Dune Part Two 2024' }, alice.accessToken);
      expect(created.status).toBe(202);
      expect(created.body).toMatchObject({ status: 'queued', query: 'Dune Part Two 2024' });
      expect(created.headers.get('location')).toBe(`/api/v1/searches/${created.body.id}`);

      const pushed = await eventually(() => {
        const frame = frames.find((f) => f['type'] === 'search.completed' && (f['data'] as { searchId?: string }).searchId === created.body.id);
        if (!frame) throw new Error('no search.completed frame yet');
        return frame;
      });
      expect(pushed['data']).toMatchObject({ searchId: created.body.id, status: 'completed', releaseCount: 0 });

      const fetched = await getJson<SearchBody & { completedAt: string | null }>(`${gateway().url}/api/v1/searches/${created.body.id}`, alice.accessToken);
      expect(fetched.status).toBe(200);
      expect(fetched.body.status).toBe('completed');
      expect(fetched.body.completedAt).not.toBeNull();
    } finally {
      socket.close();
    }
  });

  it('keeps one trace id from the HTTP request to the scout handling it', async () => {
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const created = await postJson<SearchBody>(`${gateway().url}/api/v1/searches`, { query: 'Arrival 2016' }, alice.accessToken, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(created.headers.get('traceparent')).toContain(traceId);
    await eventually(async () => {
      const { body } = await getJson<SearchBody>(`${gateway().url}/api/v1/searches/${created.body.id}`, alice.accessToken);
      expect(body.status).toBe('completed');
    });
    const jsm = await stack.nats.jetstreamManager();
    const info = await jsm.streams.info(stack.stream('SOKOUL_EVENTS'));
    let found = false;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && !found; seq++) {
      const stored = await jsm.streams.getMessage(stack.stream('SOKOUL_EVENTS'), { seq }).catch(() => undefined);
      const envelope = stored?.json<{ payload: { searchId: string }; traceparent?: string }>();
      if (envelope?.payload.searchId === created.body.id) {
        expect(envelope.traceparent).toContain(traceId);
        found = true;
      }
    }
    expect(found).toBe(true);
  });

  it('dead-letters a malformed message, counts it, and the scout keeps serving', async () => {
    const js = stack.nats.jetstream();
    await js.publish(stack.subject('sokoul.search.requested'), '{"id":"x","this is":"not an envelope"}', { msgID: 'malformed-1' });
    await js.publish(stack.subject('sokoul.search.requested'), 'not even json', { msgID: 'malformed-2' });

    const jsm = await stack.nats.jetstreamManager();
    await eventually(async () => {
      const info = await jsm.streams.info(stack.stream('SOKOUL_DLQ'));
      expect(info.state.messages).toBe(2);
    });
    const dead = await jsm.streams.getMessage(stack.stream('SOKOUL_DLQ'), { seq: 1 });
    expect(dead.subject).toBe(stack.subject('sokoul.dlq.sokoul.search.requested'));
    expect(dead.header.get('Sokoul-Dead-Letter-Reason')).toBe('malformed');
    expect(dead.header.get('Sokoul-Original-Subject')).toBe('sokoul.search.requested');
    expect(new TextDecoder().decode(dead.data)).toContain('not an envelope');

    const metrics = await (await fetch(`${running.get('scout')!.url}/metrics`)).text();
    expect(metrics).toMatch(/sokoul_messages_dead_lettered_total\{[^}]*subject="sokoul.search.requested"[^}]*reason="malformed"[^}]*\} 2/);

    // Nothing is retried forever: the commands stream holds no trace of them.
    await eventually(async () => {
      const commands = await jsm.consumers.info(stack.stream('SOKOUL_COMMANDS'), 'scout-sokoul_search_requested');
      expect(commands.num_ack_pending).toBe(0);
      expect(commands.num_pending).toBe(0);
      expect((await jsm.streams.info(stack.stream('SOKOUL_COMMANDS'))).state.messages).toBe(0);
    });

    const created = await postJson<SearchBody>(`${gateway().url}/api/v1/searches`, { query: 'Blade Runner 2049' }, bob.accessToken);
    await eventually(async () => {
      const { body } = await getJson<SearchBody>(`${gateway().url}/api/v1/searches/${created.body.id}`, bob.accessToken);
      expect(body.status).toBe('completed');
    });
  });

  it("keeps each user's searches and events to themselves; admins see all", async () => {
    const bobSocket = await openSocket(ws(), bob.accessToken);
    const adminSocket = await openSocket(ws(), admin.accessToken);
    try {
      const created = await postJson<SearchBody>(`${gateway().url}/api/v1/searches`, { query: 'Heat 1995' }, alice.accessToken);
      const isThisSearch = (f: Record<string, unknown>) => (f['data'] as { searchId?: string } | undefined)?.searchId === created.body.id;
      // The search completes, then the oracle's verdicts arrive: both reach the admin.
      await eventually(() => expect(adminSocket.frames.filter(isThisSearch).map((f) => f['type']).sort()).toEqual(['releases.validated', 'search.completed']));

      expect((await getJson(`${gateway().url}/api/v1/searches/${created.body.id}`, bob.accessToken)).status).toBe(404);
      expect((await getJson(`${gateway().url}/api/v1/searches/${created.body.id}`, admin.accessToken)).status).toBe(200);
      expect(bobSocket.frames.filter(isThisSearch)).toEqual([]);
    } finally {
      bobSocket.socket.close();
      adminSocket.socket.close();
    }
  });

  it("lists a user's own searches newest first, a page at a time", async () => {
    const page = (query: string, token: string) =>
      getJson<{ items: SearchBody[]; nextCursor: string | null }>(`${gateway().url}/api/v1/searches${query}`, token);
    const all = (await page('?limit=100', alice.accessToken)).body.items;
    expect(all.length).toBeGreaterThanOrEqual(2);

    const first = await page('?limit=1', alice.accessToken);
    const second = await page(`?limit=1&cursor=${first.body.nextCursor}`, alice.accessToken);

    expect(first.body.items.map((s) => s.id)).toEqual([all[0].id]);
    expect(second.body.items.map((s) => s.id)).toEqual([all[1].id]);
    const bobs = (await page('?limit=100', bob.accessToken)).body.items.map((s) => s.id);
    expect(bobs.filter((id) => all.some((s) => s.id === id))).toEqual([]);
    expect((await page('?limit=100', admin.accessToken)).body.items.length).toBeGreaterThanOrEqual(all.length + bobs.length);
    expect((await page('?cursor=not-a-cursor', alice.accessToken)).status).toBe(400);
  });

  it('refuses the API and the socket without a valid token', async () => {
    const anonymous = await postJson(`${gateway().url}/api/v1/searches`, { query: 'Heat 1995' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    const forged = await getJson(`${gateway().url}/api/v1/users/me`, `${alice.accessToken.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);

    const socket = new WebSocket(ws());
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: 'not-a-token' })));
    expect(await closed).toBe(4401);
  });

  it('never writes a password, access token, refresh token or API key to any log', async () => {
    // One of each kind of secret passes through the gateway now, on top of everything above.
    const login = await postJson<{ refreshToken: string }>(`${gateway().url}/api/v1/auth/login`, {
      login: 'alice',
      password: 'correct horse battery alice',
    });
    const key = await postJson<{ key: string }>(`${gateway().url}/api/v1/api-keys`, { name: 'log check', scopes: ['read'] }, alice.accessToken);
    await postJson(`${gateway().url}/api/v1/auth/login`, { login: 'alice', password: 'a wrong password, also secret' });
    expect((await getJson(`${gateway().url}/api/v1/users/me`, undefined)).status).toBe(401);

    const secrets = [
      'correct horse battery',
      'a wrong password, also secret',
      admin.accessToken,
      alice.accessToken,
      bob.accessToken,
      login.body.refreshToken,
      key.body.key,
    ];
    for (const service of running.values()) {
      expect(service.logs.length).toBeGreaterThan(0);
      const everything = [...service.logs.map((line) => JSON.stringify(line)), ...service.stderr].join('\n');
      for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
    }
  });

  // Last: it stops the services the other tests use.
  it.each(SERVICES)('%s drains and exits 0 on SIGTERM', async (name) => {
    const service = running.get(name)!;
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.logs.some((line) => line.msg === 'stopped')).toBe(true);
  });
});

describe('configuration', () => {
  it.each([
    ['SCOUT_PORT', 'not-a-port', 'scout'],
    ['NATS_URL', 'http://127.0.0.1:4222', 'scout'],
    ['DATABASE_URL', 'mysql://localhost/sokoul', 'gateway'],
    ['NATS_RETRY_BACKOFF_MS', '1000,soon', 'hunter'],
  ] as const)('a bad %s stops the service at start with a message naming it', async (variable, value, name) => {
    const service = await ServiceProcess.start(name, { [variable]: value }, { waitReady: false });
    const { code } = await service.exited;
    expect(code).toBe(78);
    const message = service.stderr.join('\n');
    expect(message).toContain(`${variable}:`);
    expect(message).toContain(JSON.stringify(value).slice(1, -1));
  });

  it('a missing or short AUTH_JWT_SECRET stops the gateway, naming the variable but never echoing it', async () => {
    const service = await ServiceProcess.start('gateway', { AUTH_JWT_SECRET: 'short-but-secret' }, { waitReady: false });
    expect((await service.exited).code).toBe(78);
    const message = service.stderr.join('\n');
    expect(message).toContain('AUTH_JWT_SECRET:');
    expect(message).not.toContain('short-but-secret');
  });
});
