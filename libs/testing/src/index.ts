export * from './lib/eventually';
export * from './lib/service-process';
export * from './lib/test-environment';
export * from './lib/test-schema';
export * from './lib/readiness-of';
export * from './lib/namespace-env';
export * from './lib/describe-service-module';
export * from './lib/stored-release';
