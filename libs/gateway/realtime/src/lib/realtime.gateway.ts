import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { RawData, Server, WebSocket } from 'ws';
import { AccessTokenService, type Principal, isAdmin } from '@sokoul/gateway/access';
import { gauge } from '@sokoul/observability';

const HEARTBEAT_MS = 30_000;
const AUTH_TIMEOUT_MS = 5_000;
/** A client this far behind is too slow to keep: dropping it bounds the gateway's memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_TOO_SLOW = 4408;

export interface ClientEvent {
  type: string;
  id: string;
  occurredAt: string;
  data: unknown;
}

interface ClientState {
  alive: boolean;
  /** Set by the first frame: later frames never start a second authentication. */
  authenticating: boolean;
  principal?: Principal;
  authTimer?: NodeJS.Timeout;
}

const connections = gauge('sokoul_ws_connections', 'WebSocket clients connected to this gateway', []);

/**
 * `/ws`: pushes events to the clients they concern. A client authenticates with its first
 * frame, `{"type":"auth","token":"<access token>"}`, within 5 s (the token never appears in
 * a URL, so never in an access log); until then it receives nothing. Each user receives
 * events about their own objects; admins receive all. Heartbeat: a ping every 30 s; a client
 * that did not answer the previous one is dropped, and so is one that falls too far behind.
 */
@WebSocketGateway({ path: '/ws' })
export class RealtimeGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() private server!: Server;
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly clients = new Map<WebSocket, ClientState>();
  private readonly heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();

  constructor(private readonly tokens: AccessTokenService) {}

  handleConnection(client: WebSocket): void {
    const state: ClientState = { alive: true, authenticating: false };
    state.authTimer = setTimeout(() => client.close(CLOSE_UNAUTHENTICATED, 'authentication required'), AUTH_TIMEOUT_MS);
    this.clients.set(client, state);
    client.on('pong', () => (state.alive = true));
    client.on('message', (data) => void this.onMessage(client, state, data));
    connections.inc();
    client.send(JSON.stringify({ type: 'welcome', heartbeatMs: HEARTBEAT_MS, authenticate: 'send {"type":"auth","token":"<access token>"}' }));
  }

  handleDisconnect(client: WebSocket): void {
    clearTimeout(this.clients.get(client)?.authTimer);
    this.clients.delete(client);
    connections.dec();
  }

  /** Sends `event` to the authenticated clients of `ownerId` and to admins; returns how many. */
  broadcast(event: ClientEvent, ownerId: string | null): number {
    const frame = JSON.stringify(event);
    let sent = 0;
    for (const [client, state] of this.clients) {
      if (client.readyState !== client.OPEN || !state.principal) continue;
      if (state.principal.userId !== ownerId && !isAdmin(state.principal)) continue;
      if (client.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.logger.warn('dropping a client that cannot keep up');
        client.close(CLOSE_TOO_SLOW, 'too slow');
        continue;
      }
      client.send(frame);
      sent++;
    }
    return sent;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients.keys()) client.close(1001, 'server shutting down');
  }

  private async onMessage(client: WebSocket, state: ClientState, data: RawData): Promise<void> {
    if (state.authenticating) return;
    state.authenticating = true;
    let token: unknown;
    try {
      const message = JSON.parse(String(data)) as { type?: unknown; token?: unknown };
      token = message.type === 'auth' ? message.token : undefined;
    } catch {
      token = undefined;
    }
    const principal = typeof token === 'string' ? await this.tokens.verify(token) : undefined;
    if (!principal) {
      client.close(CLOSE_UNAUTHENTICATED, 'invalid or missing access token');
      return;
    }
    if (client.readyState !== client.OPEN) return;
    clearTimeout(state.authTimer);
    state.principal = principal;
    client.send(JSON.stringify({ type: 'authenticated', userId: principal.userId, role: principal.role }));
  }

  private beat(): void {
    for (const [client, state] of this.clients) {
      if (!state.alive) {
        this.logger.debug('dropping a client that missed a heartbeat');
        client.terminate();
        continue;
      }
      state.alive = false;
      client.ping();
    }
  }
}
