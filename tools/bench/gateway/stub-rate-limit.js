/**
 * Preloaded into one gateway of the bench (`NODE_OPTIONS=--require …/stub-rate-limit.js`) to
 * price the rate limit: Redis `MULTI` (used by the gateway only for the rate limiter's
 * INCR/EXPIRE/TTL) answers at once, in process, with "first hit of a fresh window". The guard
 * itself still runs (principal lookup, headers); only the Redis round trip and ioredis's
 * encoding and parsing are gone. The difference with the real gateway is what that costs.
 *
 * Bench only: it patches the `ioredis` the gateway bundle loads (node_modules is external to
 * the webpack bundle, so both resolve the same module).
 */
'use strict';

const Redis = require('ioredis');

const WINDOW_SECONDS = 60;

Redis.prototype.multi = function stubbedMulti() {
  const transaction = {
    incr: () => transaction,
    expire: () => transaction,
    ttl: () => transaction,
    exec: () =>
      Promise.resolve([
        [null, 1],
        [null, 1],
        [null, WINDOW_SECONDS],
      ]),
  };
  return transaction;
};
