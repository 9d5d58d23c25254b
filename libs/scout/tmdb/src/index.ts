export * from './lib/tmdb.client';
export * from './lib/tmdb.errors';
export * from './lib/tmdb.models';
export * from './lib/tmdb.cache';
export * from './lib/redis-tmdb.cache';
export { parseRetryAfter } from './lib/retry-after';
