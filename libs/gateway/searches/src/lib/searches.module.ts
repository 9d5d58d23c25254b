import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { ParseController } from './parse.controller';
import { SearchReadCache } from './search-read-cache';
import { SearchesController } from './searches.controller';
import { SearchesService } from './searches.service';

/** Needs PersistenceModule, MessagingModule and RedisModule from the application root. */
@Module({
  controllers: [SearchesController, ParseController],
  providers: [SearchesService, SearchReadCache, IdempotencyInterceptor],
})
export class SearchesModule {}
