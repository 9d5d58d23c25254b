import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { SearchesController } from './searches.controller';
import { SearchesService } from './searches.service';

/** Needs PersistenceModule, MessagingModule and RedisModule from the application root. */
@Module({
  controllers: [SearchesController],
  providers: [SearchesService, IdempotencyInterceptor],
})
export class SearchesModule {}
