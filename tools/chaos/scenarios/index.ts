import type { Scenario } from '../scenario';
import { natsRestart } from './nats-restart';
import { postgresOutage } from './postgres-outage';
import { redisLost } from './redis-lost';
import { workerKilled } from './worker-killed';
import { poisonMessages } from './poison-messages';
import { gracefulShutdown } from './graceful-shutdown';
import { flakyNetwork } from './flaky-network';

/** Every scenario, in the order the suite runs them. */
export const SCENARIOS: Scenario[] = [
  natsRestart,
  postgresOutage,
  redisLost,
  workerKilled,
  poisonMessages,
  gracefulShutdown,
  flakyNetwork,
];
