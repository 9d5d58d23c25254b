export * from './lib/dependency-monitor.service';
export * from './lib/monitoring.module';
