import { type DynamicModule, Module } from '@nestjs/common';
import { type AlertSink, AlertDispatcher } from '@sokoul/sentinel/alert-sinks';
import { ALERT_DISPATCHER, AlertEngine } from './alert-engine.service';
import { SENTINEL_CHECKS, type SentinelCheck } from './checks/check';
import { DependencyCheck } from './checks/dependency.check';
import { DiskCheck } from './checks/disk.check';
import { HeartbeatCheck } from './checks/heartbeat.check';
import { IndexerCheck } from './checks/indexer.check';
import { JetStreamCheck } from './checks/jetstream.check';
import { ModelCheck } from './checks/model.check';
import { StalledDownloadsCheck } from './checks/stalled-downloads.check';
import { MONITORING_OPTIONS, type MonitoringOptions } from './monitoring.options';
import { SentinelService } from './sentinel.service';

const CHECKS = [DependencyCheck, JetStreamCheck, HeartbeatCheck, ModelCheck, IndexerCheck, DiskCheck, StalledDownloadsCheck];

/** The sentinel: checks, alerts, sinks. Needs PersistenceModule, RedisModule and MessagingModule from the application root. */
@Module({})
export class MonitoringModule {
  static forRoot(options: MonitoringOptions & { alertSinks: AlertSink[] }): DynamicModule {
    return {
      module: MonitoringModule,
      providers: [
        { provide: MONITORING_OPTIONS, useValue: options },
        { provide: ALERT_DISPATCHER, useValue: new AlertDispatcher({ sinks: options.alertSinks }) },
        ...CHECKS,
        { provide: SENTINEL_CHECKS, useFactory: (...checks: SentinelCheck[]) => checks, inject: CHECKS },
        AlertEngine,
        SentinelService,
      ],
      exports: [SentinelService, AlertEngine],
    };
  }
}
