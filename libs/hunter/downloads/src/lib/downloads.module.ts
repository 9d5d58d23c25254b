import { type DynamicModule, Module } from '@nestjs/common';
import { DownloadEventsService } from './download-events.service';
import { DownloadIntakeService } from './download-intake.service';
import { DownloadQueuedHandler } from './download-queued.handler';
import { DownloadRequestedHandler } from './download-requested.handler';
import { DownloadStreamController } from './download-stream.controller';
import { DownloadStreamService } from './download-stream.service';
import { DownloadSupervisor } from './download-supervisor.service';
import { DownloadWorker } from './download-worker.service';
import { downloadClientsProvider } from './download-clients.provider';
import { HUNTER_OPTIONS, type HunterOptions } from './hunter.options';

/**
 * The hunter: takes download requests, runs them through a BitTorrent client with a
 * concurrency limit, files what completes into the library. Needs PersistenceModule and
 * MessagingModule from the application root.
 */
@Module({})
export class DownloadsModule {
  static forRoot(options: HunterOptions): DynamicModule {
    return {
      module: DownloadsModule,
      controllers: [DownloadRequestedHandler, DownloadQueuedHandler, DownloadStreamController],
      providers: [
        { provide: HUNTER_OPTIONS, useValue: options },
        downloadClientsProvider,
        DownloadEventsService,
        DownloadIntakeService,
        DownloadStreamService,
        DownloadSupervisor,
        DownloadWorker,
      ],
      exports: [DownloadSupervisor],
    };
  }
}
