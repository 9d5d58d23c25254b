import { type DynamicModule, Module } from '@nestjs/common';
import { DependencyMonitorService } from './dependency-monitor.service';
import { MONITORING_OPTIONS, type MonitoringOptions } from './monitoring.options';

/** Needs PersistenceModule, RedisModule and MessagingModule from the application root. */
@Module({})
export class MonitoringModule {
  static forRoot(options: MonitoringOptions): DynamicModule {
    return {
      module: MonitoringModule,
      providers: [{ provide: MONITORING_OPTIONS, useValue: options }, DependencyMonitorService],
      exports: [DependencyMonitorService],
    };
  }
}
