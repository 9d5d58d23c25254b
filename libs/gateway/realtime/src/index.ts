export * from './lib/realtime.gateway';
export * from './lib/realtime.module';
