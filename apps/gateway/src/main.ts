// First import: @sokoul/runtime registers the tracing instrumentations before http, pg and ioredis load.
import { createInstanceId, databaseOptions, migrateAndExit, readConfigOrExit, runService } from '@sokoul/runtime';
import { configureGatewayApplication } from '@sokoul/gateway/http';
import { buildOpenApiDocument, serveOpenApiDocs } from '@sokoul/gateway/openapi';
import { AppModule, SERVICE } from './app.module';
import { gatewayConfigSchema, migrationConfigSchema } from './config';
import { gatewayOpenApiDocument } from './openapi';

function serve() {
  const config = readConfigOrExit(SERVICE, gatewayConfigSchema);
  return runService({
    service: SERVICE,
    module: AppModule.forRoot(config, createInstanceId()),
    port: config.GATEWAY_PORT,
    logLevel: config.LOG_LEVEL,
    configure: (app) => {
      configureGatewayApplication(app, { corsOrigins: config.GATEWAY_CORS_ORIGINS, trustProxy: config.GATEWAY_TRUST_PROXY });
      serveOpenApiDocs(app, buildOpenApiDocument(app));
    },
  });
}

// `main.js migrate` applies the database migrations and exits (a one-off job before a rollout).
function migrate() {
  return migrateAndExit(SERVICE, databaseOptions(readConfigOrExit(SERVICE, migrationConfigSchema), SERVICE));
}

// `main.js openapi` prints the OpenAPI document (what docs/api/openapi.json must hold).
async function printOpenApi() {
  process.stdout.write(`${JSON.stringify(await gatewayOpenApiDocument(), null, 2)}\n`);
}

const commands: Record<string, () => Promise<unknown>> = { migrate, openapi: printOpenApi };
void (commands[process.argv[2]] ?? serve)();
