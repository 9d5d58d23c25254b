import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy';

/** The fault proxy on its own, in front of a tiny HTTP server, through a keep-alive client. */
describe('fault proxy', () => {
  let upstream: Server;
  let proxy: FaultProxy;
  let agent: Agent;
  const big = Buffer.alloc(100_000, 'x');

  function get(path: string, timeoutMs = 2_000): Promise<{ status: number; body: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const req = request(`${proxy.url}${path}`, { agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: Date.now() - started }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    upstream = createServer((req, res) => res.end(req.url === '/big' ? big : 'pong'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ port: (upstream.address() as AddressInfo).port });
  });

  beforeEach(() => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    proxy.setFaults({});
  });

  afterEach(() => agent.destroy());

  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('forwards requests and answers unchanged while healthy, over one kept-alive connection', async () => {
    const before = proxy.stats.connections;
    const answers = [await get('/a'), await get('/b'), await get('/big')];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0].body).toBe('pong');
    expect(answers[2].body.length).toBe(big.length);
    expect(proxy.stats.connections - before).toBe(1);
  });

  it('adds the latency in each direction, on a connection opened before the fault', async () => {
    await get('/warm');
    proxy.setFaults({ latencyMs: 150 });
    const slow = await get('/slow');
    expect(slow.body).toBe('pong');
    expect(slow.ms).toBeGreaterThanOrEqual(280);
  });

  it('caps the bandwidth', async () => {
    proxy.setFaults({ bandwidthBytesPerSecond: 200_000 });
    const answer = await get('/big');
    expect(answer.body.length).toBe(big.length);
    expect(answer.ms).toBeGreaterThanOrEqual(450);
  });

  it('resets a connection (the client sees ECONNRESET), also a pooled one', async () => {
    await get('/warm');
    proxy.setFaults({ reset: 1 });
    await expect(get('/x')).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(get('/y')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('drops connections: accepted, then closed without an answer', async () => {
    proxy.setFaults({ drop: 1 });
    const dropped = proxy.stats.exchanges.dropped;
    await expect(get('/x')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(proxy.stats.exchanges.dropped).toBe(dropped + 1);
  });

  it('blackholes: the connection stays open and nothing ever comes back', async () => {
    proxy.setFaults({ blackhole: 1 });
    await expect(get('/x', 400)).rejects.toThrow('timed out');
  });

  it('heals as soon as the faults are cleared', async () => {
    proxy.setFaults({ reset: 1 });
    await expect(get('/x')).rejects.toBeDefined();
    proxy.setFaults({});
    expect((await get('/y')).body).toBe('pong');
  });

  it('rewrites an upstream URL to go through it', () => {
    expect(proxy.via('http://127.0.0.1:1/api/v2.0/indexers/a/results/torznab?t=caps')).toBe(`${proxy.url}/api/v2.0/indexers/a/results/torznab?t=caps`);
  });
});
