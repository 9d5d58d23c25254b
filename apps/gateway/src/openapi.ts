import { NestFactory } from '@nestjs/core';
import { type OpenApiDocument, buildOpenApiDocument } from '@sokoul/gateway/openapi';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

/**
 * The gateway's OpenAPI document without starting it: Nest's preview mode builds the module
 * graph and reads the routes but instantiates nothing, so no database, Redis or NATS is
 * needed and no configuration but a placeholder. `main.js openapi` prints it; the committed
 * `docs/api/openapi.json` must equal it (apps/gateway/src/openapi.spec.ts).
 */
export async function gatewayOpenApiDocument(): Promise<OpenApiDocument> {
  const config = gatewayConfigSchema.parse({
    AUTH_JWT_SECRET: 'preview-mode-placeholder-never-used-for-signing',
    SECRETS_ENCRYPTION_KEY: 'preview-mode-placeholder-never-used-to-encrypt',
  });
  const app = await NestFactory.create(AppModule.forRoot(config, 'openapi'), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
