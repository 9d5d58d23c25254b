import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type DatabaseOptions, dataSourceOptions } from './data-source';
import { runMigrations } from './migrate';
import { PostgresReadiness } from './postgres.readiness';
import { AlertRepository } from './repositories/alert.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AppSettingRepository } from './repositories/app-setting.repository';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { BlocklistRepository } from './repositories/blocklist.repository';
import { DownloadRepository } from './repositories/download.repository';
import { IdempotencyKeyRepository } from './repositories/idempotency-key.repository';
import { LibraryFileRepository } from './repositories/library-file.repository';
import { IndexerRepository } from './repositories/indexer.repository';
import { InviteRepository } from './repositories/invite.repository';
import { ProcessedMessageRepository } from './repositories/processed-message.repository';
import { QualityProfileRepository } from './repositories/quality-profile.repository';
import { RefreshTokenRepository } from './repositories/refresh-token.repository';
import { ReleaseRepository } from './repositories/release.repository';
import { SearchRepository } from './repositories/search.repository';
import { UserRepository } from './repositories/user.repository';
import { WatchlistRepository } from './repositories/watchlist.repository';

const repositories = [SearchRepository, ProcessedMessageRepository, UserRepository, RefreshTokenRepository, AppSettingRepository, ApiKeyRepository, AuditLogRepository, InviteRepository, IndexerRepository, QualityProfileRepository, ReleaseRepository, WatchlistRepository, BlocklistRepository, DownloadRepository, LibraryFileRepository, AlertRepository, IdempotencyKeyRepository];

@Global()
@Module({})
export class PersistenceModule {
  /**
   * The Postgres data source and repositories. With `migrateOnStart` (development, or a single
   * replica) pending migrations run before the service accepts work, under an advisory lock.
   */
  static forRoot(options: DatabaseOptions & { migrateOnStart: boolean }): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options),
          dataSourceFactory: async (config) => {
            const dataSource = await new DataSource(config ?? dataSourceOptions(options)).initialize();
            if (options.migrateOnStart) {
              const applied = await runMigrations(dataSource);
              if (applied.length) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
            }
            return dataSource;
          },
        }),
      ],
      providers: [...repositories, PostgresReadiness],
      exports: [...repositories, PostgresReadiness],
    };
  }
}
