export * from './lib/alert-notice';
export * from './lib/alert-sinks.config';
export * from './lib/sink-formats';
export * from './lib/alert-dispatcher';
