/**
 * Preloaded into one gateway of the bench (`--require …/stub-rate-limit.js`) to price the rate
 * limit: the rate limiter's Redis call answers at once, in process, with "first hit of a fresh
 * window". The guard itself still runs (principal lookup, headers); only the Redis round trip and
 * ioredis's encoding and parsing are gone. The difference with the real gateway is what that
 * costs.
 *
 * Two generations of the limiter are covered, so that an older build can be measured against a
 * newer one (`--gateway-main`): the Lua script the limiter registers with `defineCommand` (named
 * `RATE_LIMIT_HIT_COMMAND` in libs/gateway/http/src/lib/rate-limiter.ts), and the earlier
 * `MULTI` of INCR/EXPIRE/TTL.
 *
 * Bench only: it patches the `ioredis` the gateway bundle loads (node_modules is external to
 * the webpack bundle, so both resolve the same module).
 */
'use strict';

const Redis = require('ioredis');

const WINDOW_SECONDS = 60;
const HIT_COMMAND = 'sokoulRateLimitHit';

const defineCommand = Redis.prototype.defineCommand;
Redis.prototype.defineCommand = function stubbedDefineCommand(name, definition) {
  defineCommand.call(this, name, definition);
  if (name === HIT_COMMAND) this[name] = () => Promise.resolve([1, WINDOW_SECONDS * 1000]);
};

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
