// First import: @sokoul/runtime registers the tracing instrumentations before http, pg and ioredis load.
import { createInstanceId, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { oracleConfigSchema } from './config';

const config = readConfigOrExit(SERVICE, oracleConfigSchema);

void runService({
  service: SERVICE,
  module: AppModule.forRoot(config, createInstanceId()),
  port: config.ORACLE_PORT,
  logLevel: config.LOG_LEVEL,
});
