import { describeServiceModule } from '@sokoul/testing';
import { AppModule } from './app.module';
import { oracleConfigSchema } from './config';

describeServiceModule({
  service: 'oracle',
  configSchema: oracleConfigSchema,
  forRoot: (config, instanceId) => AppModule.forRoot(config, instanceId),
  portVariable: 'ORACLE_PORT',
  defaultPort: 3003,
  readiness: ['nats', 'postgres', 'redis'],
});
