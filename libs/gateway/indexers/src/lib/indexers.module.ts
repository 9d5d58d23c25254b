import { type DynamicModule, Module } from '@nestjs/common';
import { AuditTrail } from '@sokoul/gateway/access';
import { IdempotencyInterceptor } from '@sokoul/gateway/http';
import { SecretCipher } from '@sokoul/persistence';
import { IndexersController } from './indexers.controller';
import { INDEXERS_OPTIONS, type IndexersOptions } from './indexers.options';
import { IndexersService } from './indexers.service';

/** Torznab indexers for admins. Needs PersistenceModule and RedisModule (idempotency keys) from the application root. */
@Module({})
export class IndexersModule {
  static forRoot(options: IndexersOptions): DynamicModule {
    return {
      module: IndexersModule,
      controllers: [IndexersController],
      providers: [
        { provide: INDEXERS_OPTIONS, useValue: options },
        { provide: SecretCipher, useFactory: () => new SecretCipher(options.secretsEncryptionKey) },
        IndexersService,
        AuditTrail,
        IdempotencyInterceptor,
      ],
    };
  }
}
