export * from './lib/instance-id';
export * from './lib/read-config';
export * from './lib/run-service';
export * from './lib/service-modules';
export * from './lib/migrate-command';
