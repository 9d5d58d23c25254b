import { type DynamicModule, type Type, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

@Module({})
export class HealthModule {
  /**
   * `checks` are exactly the dependencies this service uses; each class is resolved from the
   * importing application's providers (the libs that own those dependencies export them).
   */
  static forRoot(options: { imports?: DynamicModule['imports']; checks: Type<ReadinessCheck>[] }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (...checks: ReadinessCheck[]) => checks,
          inject: options.checks,
        },
      ],
    };
  }
}
