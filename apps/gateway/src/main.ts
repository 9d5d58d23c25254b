import { configureGatewayApplication } from '@sokoul/gateway/http';
import { createInstanceId, databaseOptions, migrateAndExit, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { gatewayConfigSchema, migrationConfigSchema } from './config';

function serve() {
  const config = readConfigOrExit(SERVICE, gatewayConfigSchema);
  return runService({
    service: SERVICE,
    module: AppModule.forRoot(config, createInstanceId()),
    port: config.GATEWAY_PORT,
    logLevel: config.LOG_LEVEL,
    configure: (app) => configureGatewayApplication(app, { corsOrigins: config.GATEWAY_CORS_ORIGINS, trustProxy: config.GATEWAY_TRUST_PROXY }),
  });
}

// `main.js migrate` applies the database migrations and exits (a one-off job before a rollout).
function migrate() {
  return migrateAndExit(SERVICE, databaseOptions(readConfigOrExit(SERVICE, migrationConfigSchema), SERVICE));
}

void (process.argv[2] === 'migrate' ? migrate() : serve());
