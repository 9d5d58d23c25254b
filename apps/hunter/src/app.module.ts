import { type DynamicModule, Module } from '@nestjs/common';
import { resolve } from 'node:path';
import { DownloadsModule, type HunterOptions } from '@sokoul/hunter/downloads';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule, PostgresReadiness } from '@sokoul/persistence';
import { databaseOptions, messagingOptions } from '@sokoul/runtime';
import type { HunterConfig } from './config';

export const SERVICE = 'hunter';

export function hunterOptions(config: HunterConfig): HunterOptions {
  return {
    downloadDir: resolve(config.HUNTER_DOWNLOAD_DIR),
    libraryDir: resolve(config.HUNTER_LIBRARY_DIR),
    defaultClient: config.HUNTER_DEFAULT_CLIENT,
    maxActive: config.HUNTER_MAX_ACTIVE,
    tickMs: config.HUNTER_TICK_MS,
    leaseSeconds: config.HUNTER_LEASE_S,
    metadataTimeoutMs: config.HUNTER_METADATA_TIMEOUT_S * 1000,
    stallTimeoutMs: config.HUNTER_STALL_TIMEOUT_S * 1000,
    maxAttempts: config.HUNTER_MAX_ATTEMPTS,
    retryBaseMs: config.HUNTER_RETRY_BASE_S * 1000,
    seedRatio: config.HUNTER_SEED_RATIO,
    seedSeconds: config.HUNTER_SEED_TIME_S,
    maxFiles: config.HUNTER_MAX_FILES,
    maxTotalBytes: config.HUNTER_MAX_TOTAL_BYTES,
    sampleMaxBytes: config.HUNTER_SAMPLE_MAX_BYTES,
    minFreeBytes: config.HUNTER_MIN_FREE_BYTES,
    advertisedUrl: (config.HUNTER_ADVERTISED_URL ?? `http://127.0.0.1:${config.HUNTER_PORT}`).replace(/\/+$/, ''),
    streamSecret: config.SECRETS_ENCRYPTION_KEY,
    torrentFetch: { maxBytes: config.HUNTER_TORRENT_MAX_BYTES, timeoutMs: config.HUNTER_TORRENT_FETCH_TIMEOUT_MS },
    clients: {
      embedded: {
        port: config.HUNTER_BT_PORT,
        publicDiscovery: config.HUNTER_BT_PUBLIC_DISCOVERY,
        ...(config.HUNTER_BT_DOWNLOAD_LIMIT > 0 ? { downloadLimit: config.HUNTER_BT_DOWNLOAD_LIMIT } : {}),
        ...(config.HUNTER_BT_UPLOAD_LIMIT > 0 ? { uploadLimit: config.HUNTER_BT_UPLOAD_LIMIT } : {}),
      },
      ...(config.TRANSMISSION_URL
        ? { transmission: { url: config.TRANSMISSION_URL, username: config.TRANSMISSION_USERNAME, password: config.TRANSMISSION_PASSWORD } }
        : {}),
      ...(config.QBITTORRENT_URL && config.QBITTORRENT_PASSWORD
        ? { qbittorrent: { url: config.QBITTORRENT_URL, username: config.QBITTORRENT_USERNAME, password: config.QBITTORRENT_PASSWORD } }
        : {}),
    },
  };
}

@Module({})
export class AppModule {
  static forRoot(config: HunterConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        HealthModule.forRoot({ checks: [PostgresReadiness, NatsReadiness] }),
        DownloadsModule.forRoot(hunterOptions(config)),
      ],
    };
  }
}
