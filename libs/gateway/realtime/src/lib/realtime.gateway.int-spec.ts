import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import WebSocket, { type ClientOptions } from 'ws';
import { AccessModule, type AccessOptions, AccessTokenService, type Principal } from '@sokoul/gateway/access';
import { eventually } from '@sokoul/testing';
import { CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED, type ClientEvent, RealtimeGateway } from './realtime.gateway';

jest.setTimeout(20_000);

type Role = Principal['role'];

const ACCESS: AccessOptions = { jwtSecret: 'x'.repeat(40), accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' };

interface TestClient {
  socket: WebSocket;
  frames: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

interface RunningGateway {
  app: INestApplication;
  gateway: RealtimeGateway;
  tokens: AccessTokenService;
  url: string;
}

let main: RunningGateway;
const clients: TestClient[] = [];

async function startGateway(): Promise<RunningGateway> {
  const moduleRef = await Test.createTestingModule({ imports: [AccessModule.forRoot(ACCESS)], providers: [RealtimeGateway] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, gateway: app.get(RealtimeGateway), tokens: app.get(AccessTokenService), url: `ws://127.0.0.1:${port}/ws` };
}

/** Opens a client and waits for its welcome frame: from then on the gateway knows it. */
async function connectClient(url = main.url, options: ClientOptions = {}): Promise<TestClient> {
  const socket = new WebSocket(url, options);
  const frames: unknown[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const client = { socket, frames, closed };
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await eventually(() => expect(frames).toContainEqual(expect.objectContaining({ type: 'welcome' })));
  return client;
}

/** Sends the auth frame with a real signed token and waits until the gateway confirms it. */
async function authenticate(client: TestClient, userId: string, role: Role = 'user', gateway = main): Promise<TestClient> {
  client.socket.send(JSON.stringify({ type: 'auth', token: await gateway.tokens.sign(userId, role) }));
  await eventually(() => expect(client.frames).toContainEqual({ type: 'authenticated', userId, role }));
  return client;
}

async function connectAs(userId: string, role: Role = 'user', options: ClientOptions = {}): Promise<TestClient> {
  return authenticate(await connectClient(main.url, options), userId, role);
}

async function closeClient(client: TestClient): Promise<void> {
  if (client.socket.readyState !== WebSocket.CLOSED) client.socket.close();
  await client.closed;
}

async function connectionsGauge(): Promise<number> {
  const metric = register.getSingleMetric('sokoul_ws_connections');
  if (!metric) throw new Error('sokoul_ws_connections is not registered');
  return (await metric.get()).values[0]?.value ?? 0;
}

function searchCompletedEvent(id: string, requestedBy: string | null = null, padding = ''): ClientEvent {
  return {
    type: 'search.completed',
    id,
    occurredAt: '2025-01-02T03:04:05.678Z',
    data: { searchId: '6f1c2f44-8d7e-4a59-9d47-4f1f0d8d3b1e', status: 'completed', requestedBy, releaseCount: 0, ...(padding ? { padding } : {}) },
  };
}

const eventsIn = (client: TestClient) => client.frames.filter((frame) => (frame as { type?: string }).type === 'search.completed');

beforeAll(async () => {
  main = await startGateway();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map(closeClient));
  // The server side may learn of a close after the client did: start each test from none.
  await eventually(() => expect(main.gateway['clients'].size).toBe(0));
});

afterAll(async () => {
  await main?.app.close();
});

describe('RealtimeGateway on a real WebSocket server', () => {
  it('greets a connecting client with a welcome frame announcing the heartbeat period and how to authenticate', async () => {
    const client = await connectClient();

    expect(client.frames).toEqual([{ type: 'welcome', heartbeatMs: 30_000, authenticate: expect.stringContaining('"type":"auth"') }]);
  });

  it('serves only the /ws path', async () => {
    const stray = new WebSocket(main.url.replace(/\/ws$/, '/elsewhere'));

    const [error] = (await once(stray, 'error')) as [Error];

    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
  });

  describe('authentication', () => {
    it('confirms a first frame carrying a valid access token with the principal', async () => {
      const userId = randomUUID();
      const client = await connectClient();

      client.socket.send(JSON.stringify({ type: 'auth', token: await main.tokens.sign(userId, 'admin') }));

      await eventually(() => expect(client.frames).toEqual([expect.objectContaining({ type: 'welcome' }), { type: 'authenticated', userId, role: 'admin' }]));
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
    });

    it.each([
      ['a token signed with another secret', async () => JSON.stringify({ type: 'auth', token: await otherSecretToken() })],
      ['a token that is not a JWT', async () => JSON.stringify({ type: 'auth', token: 'not-a-token' })],
      ['a token that is not a string', async () => JSON.stringify({ type: 'auth', token: 42 })],
      ['a frame of another type', async () => JSON.stringify({ type: 'subscribe', token: await main.tokens.sign(randomUUID(), 'user') })],
      ['a frame that is not JSON', async () => 'hello'],
    ])('closes with 4401 a client whose first frame is %s', async (_case, frame) => {
      const client = await connectClient();

      client.socket.send(await frame());

      expect(await client.closed).toEqual({ code: CLOSE_UNAUTHENTICATED, reason: 'invalid or missing access token' });
      expect(client.frames).not.toContainEqual(expect.objectContaining({ type: 'authenticated' }));
    });

    it('closes with 4401 a client that does not authenticate within 5 s, and keeps one that did', async () => {
      const silent = await connectClient();
      const ownerId = randomUUID();
      const authenticated = await connectAs(ownerId);

      expect(await silent.closed).toEqual({ code: CLOSE_UNAUTHENTICATED, reason: 'authentication required' });
      expect(authenticated.socket.readyState).toBe(WebSocket.OPEN);
      expect(main.gateway.broadcast(searchCompletedEvent('msg-after-auth-timeout', ownerId), ownerId)).toBe(1);
    });

    it('takes the first frame as the only authentication, even when more frames follow at once', async () => {
      const ownerId = randomUUID();
      const client = await connectClient();
      const [own, other] = await Promise.all([main.tokens.sign(ownerId, 'user'), main.tokens.sign(randomUUID(), 'admin')]);

      // Sent back to back: the second arrives while the first is still being verified.
      client.socket.send(JSON.stringify({ type: 'auth', token: own }));
      client.socket.send(JSON.stringify({ type: 'auth', token: other }));
      client.socket.send('not json');
      await eventually(() => expect(client.frames).toContainEqual({ type: 'authenticated', userId: ownerId, role: 'user' }));
      client.socket.ping();
      await once(client.socket, 'pong');

      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(client.frames.filter((f) => (f as { type?: string }).type === 'authenticated')).toHaveLength(1);
      expect(main.gateway.broadcast(searchCompletedEvent('msg-other', randomUUID()), randomUUID())).toBe(0);
    });

    it('keeps an authenticated client open whatever it sends afterwards, and keeps its identity', async () => {
      const ownerId = randomUUID();
      const client = await connectAs(ownerId);

      client.socket.send('not json');
      client.socket.send(JSON.stringify({ type: 'auth', token: await main.tokens.sign(randomUUID(), 'admin') }));
      client.socket.send(JSON.stringify({ type: 'auth', token: 'garbage' }));
      // A round trip of our own: the server has read the frames above once the pong is back.
      client.socket.ping();
      await once(client.socket, 'pong');

      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(main.gateway.broadcast(searchCompletedEvent('msg-other-owner', randomUUID()), randomUUID())).toBe(0);
      expect(main.gateway.broadcast(searchCompletedEvent('msg-own', ownerId), ownerId)).toBe(1);
    });
  });

  describe('broadcast', () => {
    it("delivers an event to its owner's clients and to admins only, and returns how many it reached", async () => {
      const [alice, bob, admin] = [randomUUID(), randomUUID(), randomUUID()];
      const aliceLaptop = await connectAs(alice);
      const alicePhone = await connectAs(alice);
      const bobClient = await connectAs(bob);
      const adminClient = await connectAs(admin, 'admin');
      const anonymous = await connectClient();
      const forAlice = searchCompletedEvent('msg-for-alice', alice);

      expect(main.gateway.broadcast(forAlice, alice)).toBe(3);

      await eventually(() => {
        expect(eventsIn(aliceLaptop)).toEqual([forAlice]);
        expect(eventsIn(alicePhone)).toEqual([forAlice]);
        expect(eventsIn(adminClient)).toEqual([forAlice]);
      });
      // Frames on one socket arrive in order: what Bob and the anonymous client receive after
      // the broadcast shows they were not sent Alice's event.
      const forBob = searchCompletedEvent('msg-for-bob', bob);
      expect(main.gateway.broadcast(forBob, bob)).toBe(2);
      await authenticate(anonymous, randomUUID());
      await eventually(() => expect(eventsIn(bobClient)).toEqual([forBob]));
      expect(eventsIn(anonymous)).toEqual([]);
      await eventually(() => expect(eventsIn(adminClient)).toEqual([forAlice, forBob]));
      expect(eventsIn(aliceLaptop)).toEqual([forAlice]);
    });

    it('sends nothing to a client that has not authenticated yet', async () => {
      const anonymous = await connectClient();

      expect(main.gateway.broadcast(searchCompletedEvent('msg-anonymous'), null)).toBe(0);

      await authenticate(anonymous, randomUUID(), 'admin');
      expect(eventsIn(anonymous)).toEqual([]);
    });

    it('delivers an event without an owner to admins only', async () => {
      const user = await connectAs(randomUUID());
      const admin = await connectAs(randomUUID(), 'admin');
      const ownerless = searchCompletedEvent('msg-ownerless', null);

      expect(main.gateway.broadcast(ownerless, null)).toBe(1);

      await eventually(() => expect(eventsIn(admin)).toEqual([ownerless]));
      expect(eventsIn(user)).toEqual([]);
    });

    it('does not count a client that has closed', async () => {
      const ownerId = randomUUID();
      const [leaving, staying] = [await connectAs(ownerId), await connectAs(ownerId)];
      leaving.socket.close();
      await leaving.closed;
      const event = searchCompletedEvent('msg-after-close', ownerId);

      const sent = main.gateway.broadcast(event, ownerId);

      expect(sent).toBe(1);
      await eventually(() => expect(staying.frames).toContainEqual(event));
    });

    it('returns 0 when no client is connected', () => {
      expect(main.gateway.broadcast(searchCompletedEvent('msg-nobody'), randomUUID())).toBe(0);
    });

    it('drops with 4408 a client that falls too far behind, instead of buffering without bound', async () => {
      const ownerId = randomUUID();
      const slow = await connectAs(ownerId);
      const big = searchCompletedEvent('msg-big', ownerId, 'x'.repeat(256 * 1024));
      // The client stops reading: the kernel buffers fill, then the gateway's send buffer grows.
      (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

      let broadcasts = 0;
      while (main.gateway.broadcast(big, ownerId) === 1) {
        broadcasts++;
        if (broadcasts > 400) throw new Error('the slow client was never dropped');
        await new Promise((resolve) => setImmediate(resolve));
      }
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();

      expect((await slow.closed).code).toBe(CLOSE_TOO_SLOW);
      expect(eventsIn(slow)).toHaveLength(broadcasts);
    });
  });

  it('counts connected clients in sokoul_ws_connections', async () => {
    const before = await connectionsGauge();

    const client = await connectClient();
    expect(await connectionsGauge()).toBe(before + 1);

    await closeClient(client);
    await eventually(async () => expect(await connectionsGauge()).toBe(before));
  });

  it('drops a client that did not answer the previous heartbeat ping, and keeps one that did', async () => {
    const ownerId = randomUUID();
    const silent = await connectAs(ownerId, 'user', { autoPong: false });
    const lively = await connectAs(ownerId);
    const pinged = [once(silent.socket, 'ping'), once(lively.socket, 'ping')];

    main.gateway['beat']();
    await Promise.all(pinged);
    // A ping of our own comes back after the server has read the automatic pong sent before it.
    lively.socket.ping();
    await once(lively.socket, 'pong');
    expect(silent.socket.readyState).toBe(WebSocket.OPEN);
    main.gateway['beat']();

    expect((await silent.closed).code).toBe(1006);
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
    expect(main.gateway.broadcast(searchCompletedEvent('msg-after-heartbeat', ownerId), ownerId)).toBe(1);
  });

  it('closes open clients, authenticated or not, with 1001 when the application shuts down', async () => {
    const other = await startGateway();
    const anonymous = await connectClient(other.url);
    const authenticated = await authenticate(await connectClient(other.url), randomUUID(), 'user', other);

    await other.app.close();

    expect(await anonymous.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await authenticated.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});

function otherSecretToken(): Promise<string> {
  return new AccessTokenService({ ...ACCESS, jwtSecret: 'y'.repeat(40) }).sign(randomUUID(), 'admin');
}
