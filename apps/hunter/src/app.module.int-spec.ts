import { describeServiceModule } from '@sokoul/testing';
import { AppModule } from './app.module';
import { hunterConfigSchema } from './config';

describeServiceModule({
  service: 'hunter',
  configSchema: hunterConfigSchema,
  forRoot: (config, instanceId) => AppModule.forRoot(config, instanceId),
  portVariable: 'HUNTER_PORT',
  defaultPort: 3002,
  readiness: ['nats', 'postgres'],
});
