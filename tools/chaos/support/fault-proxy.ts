import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/**
 * What the proxy does to the traffic; replaced as a whole by `setFaults` while it runs. The
 * probabilities are rolled when a connection is accepted and again at each new exchange on it
 * (the client writes after the upstream answered: the next request of a keep-alive connection),
 * so a pooled connection meets the faults too, not only a fresh one.
 */
export interface ProxyFaults {
  /** Added to every chunk, in each direction (a round trip grows by twice this). */
  latencyMs?: number;
  /** Up to this much more, uniformly at random, per chunk (order is kept). */
  jitterMs?: number;
  /** Bytes per second each direction of a connection may carry; unlimited when absent. */
  bandwidthBytesPerSecond?: number;
  /** Share of exchanges (0..1) whose connection is closed at once, before anything is forwarded (FIN). */
  drop?: number;
  /** Share of exchanges (0..1) whose connection is reset (RST), before anything is forwarded. */
  reset?: number;
  /** Share of exchanges (0..1) that are swallowed: the connection stays open and never answers. */
  blackhole?: number;
}

export type ProxyFate = 'forwarded' | 'dropped' | 'reset' | 'blackholed';

export interface FaultProxyStats {
  connections: number;
  /** Exchanges by what was done to them. */
  exchanges: Record<ProxyFate, number>;
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the upstream's origin. */
  readonly url: string;
  readonly port: number;
  readonly faults: Readonly<ProxyFaults>;
  readonly stats: Readonly<FaultProxyStats>;
  /** Replaces the faults; `{}` heals. Latency and bandwidth apply at once to open connections too. */
  setFaults(faults: ProxyFaults): void;
  /** Rewrites a URL of the upstream to go through the proxy (same path and query). */
  via(upstreamUrl: string): string;
  close(): Promise<void>;
}

/** Unread bytes a direction may queue before it stops reading its source (TCP back-pressure). */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * A small fault-injecting TCP proxy on 127.0.0.1 in front of one upstream (a fake TMDB, indexer,
 * model server or peer): latency with jitter, a bandwidth cap, dropped connections, resets and
 * blackholes, all switchable while it runs. It knows nothing of HTTP.
 */
export async function startFaultProxy(upstream: { host?: string; port: number }, initial: ProxyFaults = {}, random: () => number = Math.random): Promise<FaultProxy> {
  const host = upstream.host ?? '127.0.0.1';
  let faults: ProxyFaults = { ...initial };
  const stats: FaultProxyStats = { connections: 0, exchanges: { forwarded: 0, dropped: 0, reset: 0, blackholed: 0 }, bytesUp: 0, bytesDown: 0 };
  const open = new Set<Socket>();

  /** Decides what happens to the exchange that begins now. */
  function roll(): ProxyFate {
    const fate: ProxyFate =
      random() < (faults.reset ?? 0) ? 'reset' : random() < (faults.drop ?? 0) ? 'dropped' : random() < (faults.blackhole ?? 0) ? 'blackholed' : 'forwarded';
    stats.exchanges[fate] += 1;
    return fate;
  }

  function track(socket: Socket): void {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  }

  const server: Server = createServer((client) => {
    stats.connections += 1;
    track(client);
    client.setNoDelay(true);
    const first = roll();
    if (first !== 'forwarded') return enact(first, client, undefined);

    const target = connect({ host, port: upstream.port });
    track(target);
    target.setNoDelay(true);
    target.once('error', () => client.destroy());
    client.once('close', () => target.destroy());
    let answeredSinceLastRequest = false;
    let swallowing = false;
    target.once('close', () => {
      if (!swallowing && !client.destroyed) client.end();
    });

    const up = shaper(target, (bytes) => (stats.bytesUp += bytes));
    const down = shaper(client, (bytes) => (stats.bytesDown += bytes));
    up.source = client;
    down.source = target;

    client.on('data', (chunk: Buffer) => {
      if (swallowing) return;
      if (answeredSinceLastRequest) {
        answeredSinceLastRequest = false;
        const fate = roll();
        if (fate === 'blackholed') {
          swallowing = true;
          target.destroy();
          return;
        }
        if (fate !== 'forwarded') return enact(fate, client, target);
      }
      up.push(chunk);
    });
    target.on('data', (chunk: Buffer) => {
      answeredSinceLastRequest = true;
      down.push(chunk);
    });
    client.once('end', () => up.end());
    target.once('end', () => down.end());
  });

  /** Delivers chunks to `sink` after the configured latency and at the configured rate, in order. */
  function shaper(sink: Socket, count: (bytes: number) => void) {
    let releaseAt = 0;
    let queued = 0;
    let ended = false;
    let pending = 0;
    const state = {
      source: undefined as Socket | undefined,
      push(chunk: Buffer): void {
        const now = Date.now();
        const latency = (faults.latencyMs ?? 0) + (faults.jitterMs ? random() * faults.jitterMs : 0);
        const transfer = faults.bandwidthBytesPerSecond ? (chunk.length / faults.bandwidthBytesPerSecond) * 1000 : 0;
        releaseAt = Math.max(now + latency, releaseAt) + transfer;
        if (releaseAt <= now && pending === 0) {
          count(chunk.length);
          sink.write(chunk);
          return;
        }
        queued += chunk.length;
        pending += 1;
        if (queued > HIGH_WATER_BYTES) state.source?.pause();
        setTimeout(() => {
          queued -= chunk.length;
          pending -= 1;
          if (!sink.destroyed) {
            count(chunk.length);
            sink.write(chunk);
          }
          if (queued <= HIGH_WATER_BYTES) state.source?.resume();
          if (ended && pending === 0) sink.end();
        }, releaseAt - now);
      },
      end(): void {
        ended = true;
        if (pending === 0 && !sink.destroyed) sink.end();
      },
    };
    return state;
  }

  function enact(fate: Exclude<ProxyFate, 'forwarded'>, client: Socket, target: Socket | undefined): void {
    target?.destroy();
    if (fate === 'reset') client.resetAndDestroy();
    else if (fate === 'dropped') client.destroy();
    else client.on('data', () => undefined); // blackholed: read and discard, never answer
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    get faults() {
      return faults;
    },
    stats,
    setFaults(next: ProxyFaults): void {
      faults = { ...next };
    },
    via(upstreamUrl: string): string {
      return upstreamUrl.replace(new URL(upstreamUrl).host, `127.0.0.1:${port}`);
    },
    close(): Promise<void> {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
