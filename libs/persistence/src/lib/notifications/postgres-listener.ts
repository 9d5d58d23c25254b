import { Logger } from '@nestjs/common';
import { Client, type ClientConfig, type Pool } from 'pg';
import type { DataSource } from 'typeorm';

export interface PostgresListenerOptions {
  channel: string;
  /** A notification's payload, in commit order. */
  onNotification: (payload: string) => void;
  /**
   * Notifications may have been missed: the connection was lost, or it was (re)established and
   * nothing from before can be trusted. Called once per loss and once per (re)connection.
   */
  onGap: () => void;
  /** How often the connection proves it is alive (a silent network drop sends no error). */
  pingIntervalMs?: number;
  /** The longest wait between reconnection attempts; they start at a quarter of a second. */
  maxReconnectDelayMs?: number;
}

const PING_TIMEOUT_MS = 5_000;

/**
 * One connection of its own that `LISTEN`s on a channel, for as long as the process runs: it
 * reconnects after any loss (with backoff) and reports each gap, since Postgres does not
 * queue notifications for a listener that is away. Connects with the settings of TypeORM's
 * pool (same server, credentials, schema and application name), outside the pool, because a
 * listening connection is never given back. Needs a direct or session-pooled connection:
 * PgBouncer in transaction mode does not deliver notifications.
 */
export class PostgresListener {
  private readonly logger = new Logger(PostgresListener.name);
  private client: Client | null = null;
  private isListening = false;
  private stopped = false;
  private reconnectDelayMs = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: ClientConfig,
    private readonly options: PostgresListenerOptions,
  ) {}

  /** With the settings of the data source's pool. */
  static forDataSource(dataSource: DataSource, options: PostgresListenerOptions): PostgresListener {
    const pool = (dataSource.driver as unknown as { master: Pool & { options: ClientConfig } }).master;
    return new PostgresListener({ ...pool.options, keepAlive: true }, options);
  }

  /** True while notifications are being received: what was heard since the last gap is all there is. */
  get listening(): boolean {
    return this.isListening;
  }

  /** Connects once; on failure keeps trying in the background (the caller works without it meanwhile). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.lose(null);
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = null;
    const client = new Client(this.connection);
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload !== undefined) this.options.onNotification(message.payload);
    });
    client.on('error', (error) => this.lose(error, client));
    client.on('end', () => this.lose(new Error('connection ended'), client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      this.lose(error as Error, client);
      return;
    }
    if (this.client !== client) return;
    this.isListening = true;
    this.reconnectDelayMs = 250;
    this.options.onGap();
    this.pingTimer = setInterval(() => void this.ping(client), this.options.pingIntervalMs ?? 15_000).unref();
  }

  private async ping(client: Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to a ping within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      this.lose(error as Error, client);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops `client` (if it is still the current one), reports the gap, and schedules a reconnection unless stopped. */
  private lose(error: Error | null, client = this.client): void {
    if (!client || client !== this.client) return;
    this.client = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    const wasListening = this.isListening;
    this.isListening = false;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (wasListening) this.options.onGap();
    if (this.stopped) return;
    if (error) this.logger.warn(`not listening on ${this.options.channel}: ${error.message}; retrying in ${this.reconnectDelayMs} ms`);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, this.options.maxReconnectDelayMs ?? 10_000);
  }
}
