import { describeServiceModule } from '@sokoul/testing';
import { AppModule } from './app.module';
import { sentinelConfigSchema } from './config';

describeServiceModule({
  service: 'sentinel',
  configSchema: sentinelConfigSchema,
  forRoot: (config, instanceId) => AppModule.forRoot(config, instanceId),
  portVariable: 'SENTINEL_PORT',
  defaultPort: 3004,
  readiness: ['nats'],
});
