export * from './lib/alert-engine.service';
export * from './lib/checks/check';
export * from './lib/monitoring.module';
export * from './lib/monitoring.options';
export * from './lib/sentinel.service';
