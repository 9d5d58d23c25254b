import { configureGatewayApplication } from '@sokoul/gateway/http';
import { describeServiceModule } from '@sokoul/testing';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

describeServiceModule({
  service: 'gateway',
  configSchema: gatewayConfigSchema,
  forRoot: (config, instanceId) => AppModule.forRoot(config, instanceId),
  portVariable: 'GATEWAY_PORT',
  defaultPort: 3000,
  readiness: ['nats', 'postgres', 'redis'],
  configure: (app) => configureGatewayApplication(app),
});
