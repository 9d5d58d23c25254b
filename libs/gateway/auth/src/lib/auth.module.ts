import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuditLogController } from './audit-log.controller';
import { AuthController } from './auth.controller';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { AuthService } from './auth.service';
import { InvitesController } from './invites.controller';
import { InvitesService } from './invites.service';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { AuditTrail } from '@sokoul/gateway/access';
import { RateLimiter } from '@sokoul/gateway/http';
import { SettingsController } from './settings.controller';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Accounts: registration, login, token refresh and logout, the user directory for admins. Needs RedisModule (login throttling). */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      controllers: [AuthController, UsersController, SettingsController, ApiKeysController, AuditLogController, InvitesController],
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, AuthService, UsersService, ApiKeysService, InvitesService, PasswordHasher, LoginThrottle, RateLimiter, AuditTrail],
    };
  }
}
