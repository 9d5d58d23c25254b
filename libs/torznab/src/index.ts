export * from './lib/capabilities';
export * from './lib/client';
export * from './lib/errors';
export * from './lib/feed';
export { DEFAULT_MAX_RESPONSE_BYTES, parseRetryAfter, redactApiKey } from './lib/http';
export * from './lib/identifiers';
export * from './lib/search-plan';
