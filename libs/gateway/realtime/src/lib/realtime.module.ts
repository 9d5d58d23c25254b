import { Module } from '@nestjs/common';
import { RealtimeGateway } from './realtime.gateway';
import { SearchCompletedHandler } from './search-completed.handler';

@Module({
  controllers: [SearchCompletedHandler],
  providers: [RealtimeGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
