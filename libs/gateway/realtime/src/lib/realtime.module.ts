import { Module } from '@nestjs/common';
import { DownloadEventsHandler } from './download-events.handler';
import { RealtimeGateway } from './realtime.gateway';
import { SearchCompletedHandler } from './search-completed.handler';

@Module({
  controllers: [SearchCompletedHandler, DownloadEventsHandler],
  providers: [RealtimeGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
