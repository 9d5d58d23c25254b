import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Decoded as UTF-8. */
  body: string;
}

/** How to answer one request. `reset` destroys the connection without an answer. */
export type WebhookReply =
  | 'reset'
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** Answer this much later (a sink slower than the client's timeout). */
      delayMs?: number;
      /** Answer only once this settles (to prove requests are in flight together). */
      until?: Promise<unknown>;
    };

/**
 * A local HTTP server standing in for ntfy, Discord, Slack or any webhook: it records every
 * request and answers each path from a script. For this lib's specs only.
 */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests to `path` (query ignored) get these replies in order, the last one repeating; 200 `ok` for a path with no script. */
  script(path: string, ...replies: WebhookReply[]): void;
  /** The requests to `path` (query ignored). */
  requestsTo(path: string): ReceivedRequest[];
  /** Resolves once `count` requests to `path` (query ignored) have arrived. */
  waitForRequests(path: string, count?: number): Promise<void>;
  /** Forgets the scripts and the requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, WebhookReply[]>();
  let waiters: Array<{ path: string; count: number; resolve: () => void }> = [];
  const pathOf = (path: string) => path.split('?')[0];
  const countTo = (path: string) => requests.filter((request) => pathOf(request.path) === path).length;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      waiters = waiters.filter((waiter) => (countTo(waiter.path) >= waiter.count ? (waiter.resolve(), false) : true));
      const script = scripts.get(pathOf(path));
      const reply: WebhookReply = (script && script.length > 1 ? script.shift() : script?.[0]) ?? { status: 200, body: 'ok' };
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      const held = reply.until ?? Promise.resolve();
      void held.then(() => (reply.delayMs ? void setTimeout(answer, reply.delayMs) : answer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (path, ...replies) => void scripts.set(path, replies),
    requestsTo: (path) => requests.filter((request) => pathOf(request.path) === path),
    waitForRequests: (path, count = 1) => (countTo(path) >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ path, count, resolve }))),
    reset: () => {
      requests.length = 0;
      scripts.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
