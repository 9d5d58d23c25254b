// First import: @sokoul/runtime registers the tracing instrumentations before http, pg and ioredis load.
import { createInstanceId, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { scoutConfigSchema } from './config';

const config = readConfigOrExit(SERVICE, scoutConfigSchema);

void runService({
  service: SERVICE,
  module: AppModule.forRoot(config, createInstanceId()),
  port: config.SCOUT_PORT,
  logLevel: config.LOG_LEVEL,
});
