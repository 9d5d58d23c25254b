import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { resolve } from 'node:path';
import { AccessModule, RateLimitModule } from '@sokoul/gateway/access';
import { AuthModule } from '@sokoul/gateway/auth';
import { DownloadsModule } from '@sokoul/gateway/downloads';
import { ProblemDetailsFilter } from '@sokoul/gateway/http';
import { IndexersModule } from '@sokoul/gateway/indexers';
import { QualityProfilesModule } from '@sokoul/gateway/quality-profiles';
import { RealtimeModule } from '@sokoul/gateway/realtime';
import { SearchesModule } from '@sokoul/gateway/searches';
import { SystemModule } from '@sokoul/gateway/system';
import { WatchlistModule } from '@sokoul/gateway/watchlist';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule, PostgresReadiness } from '@sokoul/persistence';
import { RedisModule, RedisReadiness } from '@sokoul/redis';
import { databaseOptions, messagingOptions, redisOptions } from '@sokoul/runtime';
import type { GatewayConfig } from './config';

export const SERVICE = 'gateway';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        RedisModule.forRoot(redisOptions(config, SERVICE)),
        HealthModule.forRoot({ checks: [PostgresReadiness, NatsReadiness, RedisReadiness] }),
        AccessModule.forRoot({
          jwtSecret: config.AUTH_JWT_SECRET,
          accessTokenTtlSeconds: config.AUTH_ACCESS_TOKEN_TTL_S,
          issuer: 'sokoul',
          audience: 'sokoul-api',
        }),
        RateLimitModule.forRoot({
          perUserPerMinute: config.RATE_LIMIT_PER_USER_PER_MINUTE,
          perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE,
        }),
        AuthModule.forRoot({
          refreshTokenTtlSeconds: config.AUTH_REFRESH_TOKEN_TTL_S,
          defaultRegistration: config.AUTH_REGISTRATION,
          loginFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
          loginFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
          loginThrottleWindowSeconds: config.LOGIN_THROTTLE_WINDOW_S,
        }),
        SearchesModule,
        IndexersModule.forRoot({ secretsEncryptionKey: config.SECRETS_ENCRYPTION_KEY }),
        QualityProfilesModule,
        WatchlistModule,
        SystemModule.forRoot({ sentinelIntervalMs: config.SENTINEL_INTERVAL_MS }),
        DownloadsModule.forRoot({ defaultClient: config.HUNTER_DEFAULT_CLIENT, libraryDir: resolve(config.GATEWAY_LIBRARY_DIR), streamSecret: config.SECRETS_ENCRYPTION_KEY }),
        RealtimeModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
