import { type DynamicModule, type MiddlewareConsumer, type NestModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsInterceptor } from './http-metrics.interceptor';
import { traceMiddleware } from './trace.middleware';

@Module({})
export class ObservabilityModule implements NestModule {
  /** `/metrics` with Node's default metrics; every series carries `service`. */
  static forRoot(options: { service: string }): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { service: options.service },
          defaultMetrics: { enabled: true },
        }),
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(traceMiddleware).forRoutes('*path');
  }
}
