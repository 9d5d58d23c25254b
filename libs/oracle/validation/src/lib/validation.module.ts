import { type DynamicModule, Module } from '@nestjs/common';
import { ORACLE_OPTIONS, type OracleOptions } from './oracle.options';
import { ReleaseJudgeService } from './release-judge.service';
import { ReleasesFoundHandler } from './releases-found.handler';

/**
 * The oracle: judges every search's releases (model or heuristic) and stores the verdicts.
 * Needs PersistenceModule, MessagingModule and RedisModule from the application root.
 */
@Module({})
export class ValidationModule {
  static forRoot(options: OracleOptions): DynamicModule {
    return {
      module: ValidationModule,
      controllers: [ReleasesFoundHandler],
      providers: [{ provide: ORACLE_OPTIONS, useValue: options }, ReleaseJudgeService],
      exports: [ReleaseJudgeService],
    };
  }
}
