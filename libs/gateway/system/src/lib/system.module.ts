import { type DynamicModule, Module } from '@nestjs/common';
import { SystemController } from './system.controller';
import { SYSTEM_OPTIONS, type SystemOptions, SystemService } from './system.service';

/** `/api/v1/system/*`. Needs PersistenceModule from the application root. */
@Module({})
export class SystemModule {
  static forRoot(options: SystemOptions): DynamicModule {
    return { module: SystemModule, controllers: [SystemController], providers: [{ provide: SYSTEM_OPTIONS, useValue: options }, SystemService] };
  }
}
