export * from './lib/redis.module';
export * from './lib/redis.readiness';
export * from './lib/redis.tokens';
