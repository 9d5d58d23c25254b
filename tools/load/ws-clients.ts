import WebSocket from 'ws';

export interface WsFleet {
  readonly size: number;
  /** Clients that completed the handshake and were authenticated. */
  readonly authenticated: number;
  /** Clients whose socket is open now. */
  open(): number;
  /** Clients that were closed without us closing them, with the close codes seen. */
  readonly unexpectedCloses: Record<string, number>;
  /** Frames received by all clients (the welcome and `authenticated` included). */
  frames(): number;
  /** Frames by `type`. */
  framesByType(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * `count` WebSocket clients on the gateway's `/ws`, each authenticated as the README says
 * (`{"type":"auth","token":…}` first), round-robin over `tokens`, opened `batch` at a time.
 * They answer the server's pings (the `ws` library does) and count what they receive.
 */
export async function openWsFleet(url: string, tokens: readonly string[], count: number, batch = 50): Promise<WsFleet> {
  const sockets: WebSocket[] = [];
  const byType: Record<string, number> = {};
  const unexpectedCloses: Record<string, number> = {};
  let frames = 0;
  let authenticated = 0;
  let closing = false;

  const openOne = (token: string) =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url);
      sockets.push(socket);
      const timer = setTimeout(() => reject(new Error('WebSocket not authenticated within 30 s')), 30_000);
      socket.on('message', (data) => {
        frames += 1;
        let type = 'unparsable';
        try {
          type = String((JSON.parse(String(data)) as { type?: unknown }).type);
        } catch {
          // counted as unparsable
        }
        byType[type] = (byType[type] ?? 0) + 1;
        if (type === 'authenticated') {
          authenticated += 1;
          clearTimeout(timer);
          resolve();
        }
      });
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('close', (code) => {
        if (!closing) unexpectedCloses[String(code)] = (unexpectedCloses[String(code)] ?? 0) + 1;
      });
    });

  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => openOne(tokens[(i + j) % tokens.length] as string)));
  }

  return {
    size: count,
    get authenticated() {
      return authenticated;
    },
    open: () => sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    unexpectedCloses,
    frames: () => frames,
    framesByType: () => ({ ...byType }),
    async close() {
      closing = true;
      await Promise.all(
        sockets.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.readyState === WebSocket.CLOSED) return resolve();
              s.once('close', () => resolve());
              s.close(1000, 'load test over');
              setTimeout(() => {
                s.terminate();
                resolve();
              }, 2_000).unref();
            }),
        ),
      );
    },
  };
}
