import { z } from 'zod';
import { booleanFlag, databaseEnv, logEnv, natsEnv, port, positiveInt, secretsEnv } from '@sokoul/config';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const nonNegative = (fallback: number) => z.coerce.number().min(0).default(fallback);
const optionalUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), { error: 'expected an http or https URL' })
  .optional();

export const hunterConfigSchema = z
  .object({
    HUNTER_PORT: port(3002),
    /** How gateways reach this hunter to stream a file while it downloads; default: loopback and HUNTER_PORT. */
    HUNTER_ADVERTISED_URL: optionalUrl,
    /** Torrents are written under this folder, one sub-folder per download. */
    HUNTER_DOWNLOAD_DIR: z.string().min(1).default('data/downloads'),
    /** Completed files are filed here under the naming scheme (hard links when on the same file system). */
    HUNTER_LIBRARY_DIR: z.string().min(1).default('data/library'),
    HUNTER_DEFAULT_CLIENT: z.enum(['embedded', 'transmission', 'qbittorrent']).default('embedded'),
    HUNTER_MAX_ACTIVE: positiveInt(3),
    HUNTER_TICK_MS: positiveInt(1_000),
    HUNTER_LEASE_S: positiveInt(30),
    HUNTER_METADATA_TIMEOUT_S: positiveInt(120),
    HUNTER_STALL_TIMEOUT_S: positiveInt(30 * 60),
    HUNTER_MAX_ATTEMPTS: positiveInt(4),
    HUNTER_RETRY_BASE_S: positiveInt(60),
    /** Seeding stops at this upload ratio or after this long; 0 for either: no seeding. */
    HUNTER_SEED_RATIO: nonNegative(1),
    HUNTER_SEED_TIME_S: nonNegative(24 * 3600),
    HUNTER_MAX_FILES: positiveInt(1_000),
    HUNTER_MAX_TOTAL_BYTES: positiveInt(200 * GiB),
    HUNTER_SAMPLE_MAX_BYTES: positiveInt(70 * MiB),
    HUNTER_MIN_FREE_BYTES: nonNegative(1 * GiB),
    HUNTER_TORRENT_MAX_BYTES: positiveInt(10 * MiB),
    HUNTER_TORRENT_FETCH_TIMEOUT_MS: positiveInt(15_000),
    /** The embedded engine's peer port (forward it for incoming peers); 0 picks a free one. */
    HUNTER_BT_PORT: z.coerce.number().int().min(0).max(65_535).default(6881),
    /** DHT, PEX and UPnP for the embedded engine: off only for private swarms and tests. */
    HUNTER_BT_PUBLIC_DISCOVERY: booleanFlag(true),
    /** Bytes per second; 0: unlimited. */
    HUNTER_BT_DOWNLOAD_LIMIT: nonNegative(0),
    HUNTER_BT_UPLOAD_LIMIT: nonNegative(0),
    /** Transmission's RPC, e.g. http://transmission:9091/transmission/rpc; unset: not used. */
    TRANSMISSION_URL: optionalUrl,
    TRANSMISSION_USERNAME: z.string().optional(),
    TRANSMISSION_PASSWORD: z.string().optional(),
    /** qBittorrent's Web UI, e.g. http://qbittorrent:8080; unset: not used. */
    QBITTORRENT_URL: optionalUrl,
    QBITTORRENT_USERNAME: z.string().default('admin'),
    QBITTORRENT_PASSWORD: z.string().optional(),
    ...secretsEnv,
    ...databaseEnv,
    ...natsEnv,
    ...logEnv,
  })
  .superRefine((config, context) => {
    if (config.HUNTER_DEFAULT_CLIENT === 'transmission' && !config.TRANSMISSION_URL) {
      context.addIssue({ code: 'custom', path: ['TRANSMISSION_URL'], message: 'required when HUNTER_DEFAULT_CLIENT is transmission' });
    }
    if (config.HUNTER_DEFAULT_CLIENT === 'qbittorrent' && !config.QBITTORRENT_URL) {
      context.addIssue({ code: 'custom', path: ['QBITTORRENT_URL'], message: 'required when HUNTER_DEFAULT_CLIENT is qbittorrent' });
    }
    if (config.QBITTORRENT_URL && !config.QBITTORRENT_PASSWORD) {
      context.addIssue({ code: 'custom', path: ['QBITTORRENT_PASSWORD'], message: 'required with QBITTORRENT_URL' });
    }
  });

export type HunterConfig = z.infer<typeof hunterConfigSchema>;
