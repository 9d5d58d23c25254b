export * from './lib/release.dto';
export * from './lib/search.dto';
export * from './lib/searches.module';
export * from './lib/searches.service';
