export * from './lib/access-token.service';
export * from './lib/access.decorators';
export * from './lib/access.guard';
export * from './lib/access.module';
export * from './lib/access.options';
export * from './lib/principal';
export * from './lib/rate-limit.guard';
export * from './lib/rate-limit.module';
