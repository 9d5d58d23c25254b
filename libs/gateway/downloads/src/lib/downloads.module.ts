import { type DynamicModule, Module } from '@nestjs/common';
import { AuditTrail } from '@sokoul/gateway/access';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { DownloadsController } from './downloads.controller';
import { GATEWAY_DOWNLOADS_OPTIONS, type GatewayDownloadsOptions } from './downloads.options';
import { DownloadsService } from './downloads.service';
import { LibraryController } from './library.controller';
import { LibraryService } from './library.service';

/** Needs PersistenceModule, MessagingModule, RedisModule (idempotency keys) and AccessModule from the application root. */
@Module({})
export class DownloadsModule {
  static forRoot(options: GatewayDownloadsOptions): DynamicModule {
    return {
      module: DownloadsModule,
      controllers: [DownloadsController, LibraryController],
      providers: [{ provide: GATEWAY_DOWNLOADS_OPTIONS, useValue: options }, DownloadsService, LibraryService, IdempotencyInterceptor, AuditTrail],
    };
  }
}
