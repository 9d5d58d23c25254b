import { type NatsConnection, connect } from 'nats';
import type { MessagingOptions } from './messaging-options';
import { type RunnerLogger } from './consumer-runner';

/**
 * Connects for good: reconnects without limit, since a worker without NATS can do nothing and
 * readiness reports the outage; publishes made while disconnected fail with a retryable error.
 */
export async function connectNats(options: Pick<MessagingOptions, 'servers' | 'service' | 'instanceId'>, logger: RunnerLogger): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.servers.split(','),
    name: `${options.service}:${options.instanceId}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    pingInterval: 10_000,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        logger.warn({ msg: `nats ${status.type}`, data: String(status.data) }, 'Nats');
      }
    }
  })();
  return nc;
}
