import { configureGatewayApplication } from '@sokoul/gateway/http';
import { createInstanceId, databaseOptions, migrateAndExit, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { gatewayConfigSchema } from './config';

const config = readConfigOrExit(SERVICE, gatewayConfigSchema);

function serve() {
  return runService({
    service: SERVICE,
    module: AppModule.forRoot(config, createInstanceId()),
    port: config.GATEWAY_PORT,
    logLevel: config.LOG_LEVEL,
    configure: configureGatewayApplication,
  });
}

// `main.js migrate` applies the database migrations and exits (a one-off job before a rollout).
void (process.argv[2] === 'migrate' ? migrateAndExit(SERVICE, databaseOptions(config, SERVICE)) : serve());
