// First import: @sokoul/runtime registers the tracing instrumentations before http, pg and ioredis load.
import { createInstanceId, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { sentinelConfigSchema } from './config';

const config = readConfigOrExit(SERVICE, sentinelConfigSchema);

void runService({
  service: SERVICE,
  module: AppModule.forRoot(config, createInstanceId()),
  port: config.SENTINEL_PORT,
  logLevel: config.LOG_LEVEL,
});
