import { Module } from '@nestjs/common';
import { DownloadEventsHandler } from './download-events.handler';
import { RealtimeGateway } from './realtime.gateway';
import { SearchEventsHandler } from './search-events.handler';
import { SystemAlertHandler } from './system-alert.handler';

@Module({
  controllers: [SearchEventsHandler, DownloadEventsHandler, SystemAlertHandler],
  providers: [RealtimeGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
