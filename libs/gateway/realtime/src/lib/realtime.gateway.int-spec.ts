import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import WebSocket, { type ClientOptions } from 'ws';
import { eventually } from '@sokoul/testing';
import { type ClientEvent, RealtimeGateway } from './realtime.gateway';

jest.setTimeout(20_000);

interface TestClient {
  socket: WebSocket;
  frames: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

interface RunningGateway {
  app: INestApplication;
  gateway: RealtimeGateway;
  url: string;
}

let main: RunningGateway;
const clients: TestClient[] = [];

async function startGateway(): Promise<RunningGateway> {
  const moduleRef = await Test.createTestingModule({ providers: [RealtimeGateway] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, gateway: app.get(RealtimeGateway), url: `ws://127.0.0.1:${port}/ws` };
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

async function closeClient(client: TestClient): Promise<void> {
  if (client.socket.readyState !== WebSocket.CLOSED) client.socket.close();
  await client.closed;
}

async function connectionsGauge(): Promise<number> {
  const metric = register.getSingleMetric('sokoul_ws_connections');
  if (!metric) throw new Error('sokoul_ws_connections is not registered');
  return (await metric.get()).values[0]?.value ?? 0;
}

function searchCompletedEvent(id: string): ClientEvent {
  return {
    type: 'search.completed',
    id,
    occurredAt: '2025-01-02T03:04:05.678Z',
    data: { searchId: '6f1c2f44-8d7e-4a59-9d47-4f1f0d8d3b1e', status: 'completed', requestedBy: null, releaseCount: 0 },
  };
}

beforeAll(async () => {
  main = await startGateway();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map(closeClient));
});

afterAll(async () => {
  await main?.app.close();
});

describe('RealtimeGateway on a real WebSocket server', () => {
  it('greets a connecting client with a welcome frame announcing the heartbeat period', async () => {
    const client = await connectClient();

    expect(client.frames).toEqual([{ type: 'welcome', heartbeatMs: 30_000 }]);
  });

  it('serves only the /ws path', async () => {
    const stray = new WebSocket(main.url.replace(/\/ws$/, '/elsewhere'));

    const [error] = (await once(stray, 'error')) as [Error];

    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
  });

  it('broadcasts an event to every open client and returns how many it reached', async () => {
    const [first, second] = [await connectClient(), await connectClient()];
    const event = searchCompletedEvent('msg-broadcast');

    const sent = main.gateway.broadcast(event);

    expect(sent).toBe(2);
    await eventually(() => {
      expect(first.frames).toContainEqual(event);
      expect(second.frames).toContainEqual(event);
    });
  });

  it('does not count a client that has closed', async () => {
    const [leaving, staying] = [await connectClient(), await connectClient()];
    leaving.socket.close();
    await leaving.closed;
    const event = searchCompletedEvent('msg-after-close');

    const sent = main.gateway.broadcast(event);

    expect(sent).toBe(1);
    await eventually(() => expect(staying.frames).toContainEqual(event));
  });

  it('returns 0 when no client is connected', () => {
    expect(main.gateway.broadcast(searchCompletedEvent('msg-nobody'))).toBe(0);
  });

  it('counts connected clients in sokoul_ws_connections', async () => {
    const before = await connectionsGauge();

    const client = await connectClient();
    expect(await connectionsGauge()).toBe(before + 1);

    await closeClient(client);
    await eventually(async () => expect(await connectionsGauge()).toBe(before));
  });

  it('drops a client that did not answer the previous heartbeat ping, and keeps one that did', async () => {
    const silent = await connectClient(main.url, { autoPong: false });
    const lively = await connectClient();
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
    expect(main.gateway.broadcast(searchCompletedEvent('msg-after-heartbeat'))).toBe(1);
  });

  it('closes open clients with 1001 when the application shuts down', async () => {
    const other = await startGateway();
    const client = await connectClient(other.url);

    await other.app.close();

    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
