export * from './lib/http-range';
