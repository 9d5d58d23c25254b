export interface MessagingOptions {
  /** Service name: names durable consumers (one consumer group per worker type). */
  service: string;
  /** Unique per process: names broadcast consumers and shows in connection names. */
  instanceId: string;
  servers: string;
  /** Isolates streams and subjects of one stack (tests, several stacks on one server). */
  namespace?: string;
  ackWaitMs: number;
  /** Handler attempts before a message is dead-lettered. */
  maxDeliver: number;
  /** Delay before the n-th retry; the last value repeats. */
  retryBackoffMs: number[];
  /** Messages handled at once per consumer. */
  concurrency: number;
  /** How long a shutdown waits for in-flight handlers before releasing them. */
  drainTimeoutMs: number;
  /** How often the process says it is alive (core NATS, read by the sentinel); 10 s when absent. */
  heartbeatIntervalMs?: number;
}
