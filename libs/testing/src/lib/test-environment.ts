import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadConfig, url } from '@sokoul/config';

/** Where the test servers are; the defaults are what `tools/stack/stack.sh up` provides. */
export const testEnvironment = loadConfig(
  z.object({
    TEST_DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul_test'),
    NATS_URL: url(['nats'], 'nats://127.0.0.1:4222'),
    REDIS_URL: url(['redis'], 'redis://127.0.0.1:6379'),
  }),
);

/**
 * A name no other test file uses: it becomes the Postgres schema, the NATS subject and stream
 * prefix and the Redis key prefix, so test files run in parallel against one set of servers.
 */
export function uniqueNamespace(label = 't'): string {
  return `${label}_${randomBytes(5).toString('hex')}`.toLowerCase();
}
