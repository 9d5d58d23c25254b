import { Module } from '@nestjs/common';
import { DownloadEventsHandler } from './download-events.handler';
import { RealtimeGateway } from './realtime.gateway';
import { SearchEventsHandler } from './search-events.handler';

@Module({
  controllers: [SearchEventsHandler, DownloadEventsHandler],
  providers: [RealtimeGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
