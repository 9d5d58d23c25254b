export * from './lib/download.dto';
export * from './lib/downloads.module';
export * from './lib/downloads.options';
