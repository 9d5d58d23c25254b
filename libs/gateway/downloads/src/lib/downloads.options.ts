import type { DownloadEntity } from '@sokoul/persistence';

export const GATEWAY_DOWNLOADS_OPTIONS = Symbol('GATEWAY_DOWNLOADS_OPTIONS');

export interface GatewayDownloadsOptions {
  /** The client a download uses unless its request names another (the hunters' default too). */
  defaultClient: DownloadEntity['client'];
  /** The library folder, as mounted on this gateway (read-only is enough): what `/library/:id/stream` serves. */
  libraryDir: string;
  /** `SECRETS_ENCRYPTION_KEY`: stream tickets for the hunters are signed with a key derived from it. */
  streamSecret: string;
}
