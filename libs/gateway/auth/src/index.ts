export * from './lib/api-keys.dto';
export * from './lib/auth.dto';
export * from './lib/auth.module';
export * from './lib/auth.options';
