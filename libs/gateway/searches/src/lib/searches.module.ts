import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { ParseController } from './parse.controller';
import { SearchesController } from './searches.controller';
import { SearchesService } from './searches.service';

/** Needs PersistenceModule, MessagingModule and RedisModule from the application root. */
@Module({
  controllers: [SearchesController, ParseController],
  providers: [SearchesService, IdempotencyInterceptor],
})
export class SearchesModule {}
