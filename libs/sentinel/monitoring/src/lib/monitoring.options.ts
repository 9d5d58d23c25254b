export const MONITORING_OPTIONS = Symbol('MONITORING_OPTIONS');

export interface MonitoringOptions {
  /** Every check runs this often. */
  intervalMs: number;
  /** Services that must have a live instance (heartbeats); others are watched once seen. */
  expectedServices: string[];
  /** A service is down when none of its instances beat for this many of their intervals. */
  missedHeartbeats: number;
  /** A consumer with this many messages waiting (pending + unacknowledged) is lagging. */
  lagThreshold: number;
  /** A dead letter younger than this keeps the dead-letter alert raised. */
  deadLetterWindowMs: number;
  /** Named folders whose free space is watched. */
  diskPaths: Array<{ name: string; path: string }>;
  diskMinFreeBytes: number;
  diskMinFreePercent: number;
  /** A download with no progress for this long is stalled. */
  stalledAfterMs: number;
  /** The OpenAI-compatible model the oracle uses, when there is one. */
  model?: { baseUrl: string; apiKey?: string };
  /** Indexers are asked for their capabilities this often (they are someone else's servers). */
  indexerIntervalMs: number;
  /** Decrypts the indexers' API keys. */
  secretsEncryptionKey: string;
}
