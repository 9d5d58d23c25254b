export * from './lib/circuit-breaker';
