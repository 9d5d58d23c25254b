export * from './lib/idempotency.interceptor';
export * from './lib/problem-details';
export * from './lib/problem-details.filter';
export * from './lib/zod-validation.pipe';
export * from './lib/configure-gateway-application';
export * from './lib/rate-limiter';
export * from './lib/api-operation.decorator';
export * from './lib/client-info';
