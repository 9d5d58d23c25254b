import { RequestMethod } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { createInstanceId, readConfigOrExit, runService } from '@sokoul/runtime';
import { AppModule, SERVICE } from './app.module';
import { gatewayConfigSchema } from './config';

const config = readConfigOrExit(SERVICE, gatewayConfigSchema);

void runService({
  service: SERVICE,
  module: AppModule.forRoot(config, createInstanceId()),
  port: config.GATEWAY_PORT,
  logLevel: config.LOG_LEVEL,
  configure: (app) => {
    app.setGlobalPrefix('api/v1', {
      exclude: [
        { path: 'health/live', method: RequestMethod.GET },
        { path: 'health/ready', method: RequestMethod.GET },
        { path: 'metrics', method: RequestMethod.GET },
      ],
    });
    app.useBodyParser('json', { limit: '64kb' });
    app.useWebSocketAdapter(new WsAdapter(app));
  },
});
