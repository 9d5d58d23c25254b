import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ACCESS_OPTIONS, type AccessOptions } from './access.options';
import { AccessTokenService } from './access-token.service';

/** Authentication for every gateway route and socket: the token service and the global guard. */
@Global()
@Module({})
export class AccessModule {
  static forRoot(options: AccessOptions): DynamicModule {
    return {
      module: AccessModule,
      providers: [{ provide: ACCESS_OPTIONS, useValue: options }, AccessTokenService, ApiKeyAuthenticator, { provide: APP_GUARD, useClass: AccessGuard }],
      exports: [AccessTokenService, ApiKeyAuthenticator],
    };
  }
}
