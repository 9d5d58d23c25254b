import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, WebSocket } from 'ws';
import { gauge } from '@sokoul/observability';

const HEARTBEAT_MS = 30_000;

export interface ClientEvent {
  type: string;
  id: string;
  occurredAt: string;
  data: unknown;
}

const connections = gauge('sokoul_ws_connections', 'WebSocket clients connected to this gateway', []);

/**
 * `/ws`: pushes events to connected clients. Heartbeat: a ping every 30 s; a client that did
 * not answer the previous one is dropped, so half-open connections do not pile up.
 */
@WebSocketGateway({ path: '/ws' })
export class RealtimeGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() private server!: Server;
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();

  handleConnection(client: WebSocket): void {
    this.alive.set(client, true);
    client.on('pong', () => this.alive.set(client, true));
    connections.inc();
    client.send(JSON.stringify({ type: 'welcome', heartbeatMs: HEARTBEAT_MS }));
  }

  handleDisconnect(): void {
    connections.dec();
  }

  /** Until accounts exist every client receives every event; then only its owner's (and admins'). */
  broadcast(event: ClientEvent): number {
    const frame = JSON.stringify(event);
    let sent = 0;
    for (const client of this.server?.clients ?? []) {
      if (client.readyState === client.OPEN) {
        client.send(frame);
        sent++;
      }
    }
    return sent;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const client of this.server?.clients ?? []) client.close(1001, 'server shutting down');
  }

  private beat(): void {
    for (const client of this.server?.clients ?? []) {
      if (!this.alive.get(client)) {
        this.logger.debug('dropping a client that missed a heartbeat');
        client.terminate();
        continue;
      }
      this.alive.set(client, false);
      client.ping();
    }
  }
}
