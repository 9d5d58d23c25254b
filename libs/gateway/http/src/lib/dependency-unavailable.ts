/**
 * Whether an error means a dependency (Postgres, Redis) cannot be reached or is shedding load
 * right now, rather than that the request or the code is wrong: the client should retry, so
 * the gateway answers 503 with `Retry-After` instead of a 500 (see ProblemDetailsFilter).
 * Recognised by shape, not class, so the HTTP layer depends on neither pg, TypeORM nor ioredis.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (isUnavailable(current as Failure)) return true;
    const failure = current as Failure;
    // TypeORM's QueryFailedError keeps pg's error as driverError; others chain with cause.
    current = failure.driverError ?? failure.cause;
  }
  return false;
}

/** Seconds a client is told to wait before retrying a request that met an unavailable dependency. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

interface Failure {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** Socket errors of a connection to a dependency that is down or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs that say "not now" rather than "never": connection exceptions (class 08), too many
 * connections, the server shutting down or starting up, and a statement cancelled by
 * statement_timeout (the pool's bound on waiting for a lock held elsewhere).
 */
const RETRYABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03', '57014']);

/**
 * What pg and ioredis say when a connection is gone or cannot be had: the pool's
 * connectionTimeoutMillis spent waiting for a free client (pool exhausted or server down), a
 * connection lost mid-query, a command refused because Redis is disconnected (no offline queue).
 */
const UNAVAILABLE_MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Connection is closed\.?$/,
];

function isUnavailable(failure: Failure): boolean {
  if (typeof failure !== 'object') return false;
  const { code, message, name } = failure;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || RETRYABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
