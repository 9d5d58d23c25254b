export * from './lib/indexer.dto';
export * from './lib/indexers.module';
export * from './lib/indexers.options';
