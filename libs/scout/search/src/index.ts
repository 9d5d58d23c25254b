export * from './lib/indexer-gate';
export * from './lib/scout.options';
export * from './lib/search-run.service';
export * from './lib/search.module';
