import { Module } from '@nestjs/common';
import { AuditTrail } from '@sokoul/gateway/access';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { QualityProfilesController } from './quality-profiles.controller';
import { QualityProfilesService } from './quality-profiles.service';

/**
 * Quality profiles; seeds the default ones on a fresh installation. Needs PersistenceModule,
 * MessagingModule and RedisModule (idempotency keys) from the application root.
 */
@Module({
  controllers: [QualityProfilesController],
  providers: [QualityProfilesService, AuditTrail, IdempotencyInterceptor],
})
export class QualityProfilesModule {}
