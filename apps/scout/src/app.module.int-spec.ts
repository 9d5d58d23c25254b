import { describeServiceModule } from '@sokoul/testing';
import { AppModule } from './app.module';
import { scoutConfigSchema } from './config';

describeServiceModule({
  service: 'scout',
  configSchema: scoutConfigSchema,
  forRoot: (config, instanceId) => AppModule.forRoot(config, instanceId),
  portVariable: 'SCOUT_PORT',
  defaultPort: 3001,
  readiness: ['nats', 'postgres', 'redis'],
});
