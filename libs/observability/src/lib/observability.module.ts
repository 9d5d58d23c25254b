import { type DynamicModule, type MiddlewareConsumer, type NestModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { httpMetricsMiddleware } from './http-metrics.middleware';
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
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware, traceMiddleware).forRoutes('*path');
  }
}
