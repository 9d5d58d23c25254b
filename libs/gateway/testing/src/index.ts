export * from './lib/gateway-test-app';
