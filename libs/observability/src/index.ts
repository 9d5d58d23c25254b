export * from './lib/health/health.module';
export * from './lib/health/readiness-check';
export * from './lib/json-logger';
export * from './lib/metrics';
export * from './lib/observability.module';
export * from './lib/trace-context';
export * from './lib/tracing/tracing';
export * from './lib/with-timeout';
