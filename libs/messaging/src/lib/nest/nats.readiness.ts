import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { ReadinessCheck } from '@sokoul/observability';
import { NATS_CONNECTION } from './messaging.tokens';

/** Ready when the connection is up and the server answers a round trip, JetStream included. */
@Injectable()
export class NatsReadiness implements ReadinessCheck {
  readonly name = 'nats';

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async check(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('connection closed');
    await this.nc.flush();
    const jsm = await this.nc.jetstreamManager({ timeout: 2_000 });
    await jsm.getAccountInfo();
  }
}
