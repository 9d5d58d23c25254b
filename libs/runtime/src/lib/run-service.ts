import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JetStreamServer } from '@sokoul/messaging';
import { JsonLogger } from '@sokoul/observability';
import type { LevelWithSilent } from 'pino';

export interface ServiceOptions {
  service: string;
  module: Parameters<typeof NestFactory.create>[0];
  port: number;
  host?: string;
  logLevel: LevelWithSilent;
  /** HTTP-level setup of the app (prefix, adapters, body limits) before it listens. */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * SIGTERM/SIGINT close the app (consumers drain, then HTTP and connections close) and exit 0,
 * so an orchestrator sees a clean stop; a second signal exits at once.
 */
function stopOnSignals(app: INestApplication, logger: JsonLogger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.log({ msg: 'stopping', signal }, 'Bootstrap');
    app
      .close()
      .then(() => {
        logger.log({ msg: 'stopped', uptimeMs: Math.round(process.uptime() * 1000) }, 'Bootstrap');
        logger.flush();
        process.exit(0);
      })
      .catch((error: Error) => {
        logger.fatal(error, 'Bootstrap');
        logger.flush();
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * Starts one Sokoul service: JSON logs, HTTP (health, metrics, API), the JetStream consumers
 * of its `@EventPattern` handlers, and graceful shutdown on SIGTERM/SIGINT (consumers drain,
 * then connections close). Logs `ready` with the time from process start.
 */
export async function runService(options: ServiceOptions): Promise<INestApplication> {
  const logger = new JsonLogger({ service: options.service, level: options.logLevel });
  process.on('unhandledRejection', (reason) => logger.error({ msg: 'unhandled rejection', reason: String(reason) }, 'Process'));
  try {
    const app = await NestFactory.create<NestExpressApplication>(options.module, { logger, bufferLogs: true, abortOnError: false });
    app.disable('x-powered-by');
    options.configure?.(app);
    app.connectMicroservice({ strategy: app.get(JetStreamServer) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(options.port, options.host ?? '0.0.0.0');
    logger.log({ msg: 'ready', port: options.port, startupMs: Math.round(process.uptime() * 1000) }, 'Bootstrap');
    stopOnSignals(app, logger);
    return app;
  } catch (error) {
    logger.fatal(error instanceof Error ? error : new Error(String(error)), 'Bootstrap');
    logger.flush();
    process.exit(1);
  }
}
