import { DataSource, type DataSourceOptions } from 'typeorm';
import { AlertEntity } from './entities/alert.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AppSettingEntity } from './entities/app-setting.entity';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { BlocklistEntryEntity } from './entities/blocklist-entry.entity';
import { DownloadEntity } from './entities/download.entity';
import { IndexerEntity } from './entities/indexer.entity';
import { InviteEntity } from './entities/invite.entity';
import { LibraryFileEntity } from './entities/library-file.entity';
import { ProcessedMessageEntity } from './entities/processed-message.entity';
import { QualityProfileEntity } from './entities/quality-profile.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { ReleaseEntity } from './entities/release.entity';
import { SearchEntity } from './entities/search.entity';
import { SystemCheckEntity } from './entities/system-check.entity';
import { UserEntity } from './entities/user.entity';
import { WatchlistItemEntity } from './entities/watchlist-item.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-InitialSchema';
import { Accounts1764100000000 } from './migrations/1764100000000-Accounts';
import { ApiKeys1764200000000 } from './migrations/1764200000000-ApiKeys';
import { AuditLog1764300000000 } from './migrations/1764300000000-AuditLog';
import { Invites1764400000000 } from './migrations/1764400000000-Invites';
import { Scout1764500000000 } from './migrations/1764500000000-Scout';
import { Watchlist1764600000000 } from './migrations/1764600000000-Watchlist';
import { Blocklist1764700000000 } from './migrations/1764700000000-Blocklist';
import { Downloads1764800000000 } from './migrations/1764800000000-Downloads';
import { DownloadStreams1764800000001 } from './migrations/1764800000001-DownloadStreams';
import { LibraryHashRecordedAfter1764800000002 } from './migrations/1764800000002-LibraryHashRecordedAfter';
import { ReleaseVerdicts1764900000000 } from './migrations/1764900000000-ReleaseVerdicts';
import { Alerts1765000000000 } from './migrations/1765000000000-Alerts';
import { SearchChangeNotifications1765100000000 } from './migrations/1765100000000-SearchChangeNotifications';
import { AccessChangeNotifications1765100000001 } from './migrations/1765100000001-AccessChangeNotifications';
import { IdempotencyKeys1765200000000 } from './migrations/1765200000000-IdempotencyKeys';

export interface DatabaseOptions {
  url: string;
  schema: string;
  poolSize: number;
  /** Shown in pg_stat_activity: which service holds a connection. */
  applicationName: string;
}

export const entities = [UserEntity, SearchEntity, ProcessedMessageEntity, RefreshTokenEntity, AppSettingEntity, ApiKeyEntity, AuditEntryEntity, InviteEntity, IndexerEntity, QualityProfileEntity, ReleaseEntity, WatchlistItemEntity, BlocklistEntryEntity, DownloadEntity, LibraryFileEntity, AlertEntity, SystemCheckEntity];

/** Listed, not globbed: services are bundled, and a glob finds nothing in a bundle. */
export const migrations = [InitialSchema1764000000000, Accounts1764100000000, ApiKeys1764200000000, AuditLog1764300000000, Invites1764400000000, Scout1764500000000, Watchlist1764600000000, Blocklist1764700000000, Downloads1764800000000, DownloadStreams1764800000001, LibraryHashRecordedAfter1764800000002, ReleaseVerdicts1764900000000, Alerts1765000000000, SearchChangeNotifications1765100000000, AccessChangeNotifications1765100000001, IdempotencyKeys1765200000000];

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.applicationName,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    poolSize: options.poolSize,
    extra: {
      // Unqualified names in migrations resolve to the configured schema.
      options: `-c search_path=${options.schema}`,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
