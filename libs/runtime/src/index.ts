// First: registers OpenTelemetry's instrumentations (when tracing is configured) before any
// module below loads http, pg or ioredis. Keep it the first line; see lib/preload.ts.
export * from './lib/preload';
export * from './lib/instance-id';
export * from './lib/read-config';
export * from './lib/run-service';
export * from './lib/service-modules';
export * from './lib/migrate-command';
