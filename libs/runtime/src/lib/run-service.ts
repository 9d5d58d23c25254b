import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { z } from 'zod';
import { tracingEnv } from '@sokoul/config';
import { connectMessageHandlers } from '@sokoul/messaging';
import { JsonLogger, type Tracing, startTracing } from '@sokoul/observability';
import type { LevelWithSilent } from 'pino';
import { createInstanceId } from './instance-id';
import { readConfigOrExit } from './read-config';
import { tracingOptions } from './service-modules';

export interface ServiceOptions {
  service: string;
  module: Parameters<typeof NestFactory.create>[0];
  port: number;
  host?: string;
  logLevel: LevelWithSilent;
  /** `service.instance.id` of its spans; a new one when absent. */
  instanceId?: string;
  /** HTTP-level setup of the app (prefix, adapters, body limits) before it listens. */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * SIGTERM/SIGINT close the app (consumers drain, then HTTP and connections close) and exit 0,
 * so an orchestrator sees a clean stop; a second signal exits at once.
 */
function stopOnSignals(app: INestApplication, logger: JsonLogger, tracing: Tracing | undefined): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.log({ msg: 'stopping', signal }, 'Bootstrap');
    closeConnectionsWhenDone(app.getHttpServer() as Server);
    app
      .close()
      // The last spans (the drain's) are exported before the process goes.
      .then(() => tracing?.shutdown())
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

/** Past this, connections still open after a stop are cut (orchestrators allow 30 s). */
const HTTP_DRAIN_MS = 10_000;

/**
 * Closing an HTTP server waits for every open connection, and a client that keeps a
 * keep-alive connection busy (a proxy, a load balancer) would keep the process alive for
 * ever. Once stopping: every answer says `Connection: close`, idle connections are closed at
 * once and as they go idle, and whatever is left is cut at the drain deadline.
 */
function closeConnectionsWhenDone(server: Server): void {
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
    response.on('finish', () => server.closeIdleConnections());
  });
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS).unref();
}

/**
 * OpenTelemetry when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); otherwise nothing starts and the lightweight trace
 * context keeps the logs' trace ids. The instrumentations were registered by ./preload.
 */
function startTracingIfConfigured(service: string, instanceId: string, logger: JsonLogger): Tracing | undefined {
  const options = tracingOptions(readConfigOrExit(service, z.object(tracingEnv)), service, instanceId);
  if (!options) return undefined;
  const tracing = startTracing({ ...options, logger });
  logger.log({ msg: 'tracing on', serviceName: options.serviceName, tracesUrl: options.tracesUrl, sampleRatio: options.sampleRatio }, 'Bootstrap');
  return tracing;
}

/**
 * Starts one Sokoul service: JSON logs, HTTP (health, metrics, API), the JetStream consumers
 * of its `@EventPattern` handlers, and graceful shutdown on SIGTERM/SIGINT (consumers drain,
 * then connections close). Logs `ready` with the time from process start.
 */
export async function runService(options: ServiceOptions): Promise<INestApplication> {
  const logger = new JsonLogger({ service: options.service, level: options.logLevel });
  process.on('unhandledRejection', (reason) => logger.error({ msg: 'unhandled rejection', reason: String(reason) }, 'Process'));
  const tracing = startTracingIfConfigured(options.service, options.instanceId ?? createInstanceId(), logger);
  try {
    const app = await NestFactory.create<NestExpressApplication>(options.module, { logger, bufferLogs: true, abortOnError: false });
    app.disable('x-powered-by');
    options.configure?.(app);
    connectMessageHandlers(app);
    await app.startAllMicroservices();
    await app.listen(options.port, options.host ?? '0.0.0.0');
    logger.log({ msg: 'ready', port: options.port, startupMs: Math.round(process.uptime() * 1000) }, 'Bootstrap');
    stopOnSignals(app, logger, tracing);
    return app;
  } catch (error) {
    logger.fatal(error instanceof Error ? error : new Error(String(error)), 'Bootstrap');
    logger.flush();
    process.exit(1);
  }
}
