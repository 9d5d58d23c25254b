import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { WatchlistController } from './watchlist.controller';
import { WatchlistService } from './watchlist.service';

/** Needs PersistenceModule and RedisModule (idempotency keys) from the application root. */
@Module({
  controllers: [WatchlistController],
  providers: [WatchlistService, IdempotencyInterceptor],
})
export class WatchlistModule {}
