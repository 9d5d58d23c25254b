export * from './lib/search-run.service';
export * from './lib/search.module';
