import { Module } from '@nestjs/common';
import { SearchRequestedHandler } from './search-requested.handler';
import { SearchRunService } from './search-run.service';

/** Needs PersistenceModule and MessagingModule from the application root. */
@Module({
  controllers: [SearchRequestedHandler],
  providers: [SearchRunService],
})
export class SearchModule {}
