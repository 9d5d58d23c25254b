export * from './lib/watchlist-item.dto';
export * from './lib/watchlist.module';
export * from './lib/watchlist.service';
