import { z } from 'zod';
import { DOWNLOAD_STATUSES, type DownloadEntity, type LibraryFileEntity } from '@sokoul/persistence';

const CLIENTS = ['embedded', 'transmission', 'qbittorrent'] as const;

/**
 * A release of one of your searches (`releaseId`), or, for admins, any magnet link. One flat
 * object rather than a union, so that each refusal names its field.
 */
export const createDownloadSchema = z
  .strictObject({
    releaseId: z.uuid({ error: 'releaseId must be a release id (UUID)' }).optional().describe('a release from one of your searches'),
    magnet: z
      .string({ error: 'magnet must be a string' })
      .max(8_000, { error: 'magnet must be at most 8000 characters' })
      .regex(/^magnet:\?/i, { error: 'magnet must be a magnet: link' })
      .optional()
      .describe('admins only, instead of releaseId: any magnet link (filed under Unsorted/)'),
    title: z.string({ error: 'title must be a string' }).trim().min(1).max(300).optional().describe('with magnet: what to call it (default: its dn= name)'),
    client: z.enum(CLIENTS, { error: `client must be one of ${CLIENTS.join(', ')}` }).optional().describe("which BitTorrent client fetches it; the installation's default when absent"),
  })
  .superRefine((input, ctx) => {
    if ((input.releaseId === undefined) === (input.magnet === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['releaseId'], message: 'give exactly one of releaseId and magnet' });
    }
    if (input.title !== undefined && input.magnet === undefined) ctx.addIssue({ code: 'custom', path: ['title'], message: 'title goes with magnet only' });
  })
  .meta({ oneOf: [{ required: ['releaseId'] }, { required: ['magnet'] }] });
export type CreateDownloadDto = z.infer<typeof createDownloadSchema>;

export const downloadIdSchema = z.uuid({ error: 'expected a download id (UUID)' });

export const fileIndexSchema = z.coerce.number({ error: 'expected a file index' }).int({ error: 'expected a file index' }).min(0).max(1_000_000);

export const listDownloadsSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  status: z.enum(DOWNLOAD_STATUSES).optional(),
});
export type ListDownloadsDto = z.infer<typeof listDownloadsSchema>;

export const cancelDownloadSchema = z.strictObject({
  deleteData: z.boolean({ error: 'deleteData must be true or false' }).default(false).describe('also delete what was downloaded (never what is already in the library)'),
});
export type CancelDownloadDto = z.infer<typeof cancelDownloadSchema>;

const fileSchema = z.object({ index: z.number().int(), path: z.string(), length: z.number().int(), downloadedBytes: z.number().int() });

export const downloadSchema = z.object({
  id: z.uuid(),
  userId: z.uuid().nullable(),
  releaseId: z.uuid().nullable(),
  searchId: z.uuid().nullable(),
  watchlistItemId: z.uuid().nullable(),
  infoHash: z.string().nullable(),
  title: z.string(),
  client: z.enum(CLIENTS),
  status: z.enum(DOWNLOAD_STATUSES),
  progress: z.number().min(0).max(1).describe('share of the selected files received'),
  downloadedBytes: z.number().int(),
  totalBytes: z.number().int().nullable().describe('size of the files chosen for download; null until the file list is known'),
  uploadedBytes: z.number().int(),
  downloadSpeed: z.number().int().describe('bytes per second'),
  peers: z.number().int(),
  etaSeconds: z.number().int().nullable(),
  files: z.array(fileSchema).describe('the files being downloaded (after vetting)'),
  failureCode: z.string().nullable().describe('why it failed, or why the last attempt failed while it waits for the next one'),
  error: z.string().nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable().describe('when a queued download that failed an attempt tries again'),
  seeding: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type DownloadDto = z.infer<typeof downloadSchema>;

export const downloadPageSchema = z.object({ items: z.array(downloadSchema), nextCursor: z.string().nullable() });
export type DownloadPageDto = z.infer<typeof downloadPageSchema>;

export function toDownloadDto(download: DownloadEntity): DownloadDto {
  const total = download.totalBytes ?? 0;
  return {
    id: download.id,
    userId: download.userId,
    releaseId: download.releaseId,
    searchId: download.searchId,
    watchlistItemId: download.watchlistItemId,
    infoHash: download.infoHash,
    title: download.title,
    client: download.client,
    status: download.status,
    progress: download.status === 'completed' ? 1 : total > 0 ? Math.min(1, download.downloadedBytes / total) : 0,
    downloadedBytes: download.downloadedBytes,
    totalBytes: download.totalBytes,
    uploadedBytes: download.uploadedBytes,
    downloadSpeed: download.downloadSpeed,
    peers: download.peers,
    etaSeconds: download.etaSeconds,
    files: download.files ?? [],
    failureCode: download.failureCode,
    error: download.error,
    attempts: download.attempts,
    nextAttemptAt: download.status === 'queued' && download.attempts > 0 ? download.nextAttemptAt.toISOString() : null,
    seeding: download.seeding,
    createdAt: download.createdAt.toISOString(),
    startedAt: download.startedAt?.toISOString() ?? null,
    completedAt: download.completedAt?.toISOString() ?? null,
  };
}

export const libraryFileIdSchema = z.uuid({ error: 'expected a library file id (UUID)' });

export const listLibrarySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export type ListLibraryDto = z.infer<typeof listLibrarySchema>;

export const libraryFileSchema = z.object({
  id: z.uuid(),
  downloadId: z.uuid().nullable(),
  userId: z.uuid().nullable(),
  path: z.string().describe('relative to the library folder'),
  sizeBytes: z.number().int(),
  sha256: z.string().nullable().describe('null for a moment after the file is filed, until its hash is recorded'),
  importMethod: z.enum(['hardlink', 'copy']),
  createdAt: z.string(),
  streamUrl: z.string().describe('GET it with HTTP Range to play it'),
});
export type LibraryFileDto = z.infer<typeof libraryFileSchema>;

export const libraryPageSchema = z.object({ items: z.array(libraryFileSchema), nextCursor: z.string().nullable() });
export type LibraryPageDto = z.infer<typeof libraryPageSchema>;

export function toLibraryFileDto(file: LibraryFileEntity): LibraryFileDto {
  return {
    id: file.id,
    downloadId: file.downloadId,
    userId: file.userId,
    path: file.relativePath,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    importMethod: file.importMethod,
    createdAt: file.createdAt.toISOString(),
    streamUrl: `/api/v1/library/${file.id}/stream`,
  };
}
