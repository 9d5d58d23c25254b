import type { FactoryProvider } from '@nestjs/common';
import { type DownloadClient, type DownloadClientKind, EmbeddedClient, QBittorrentClient, TransmissionClient } from '@sokoul/hunter/download-clients';
import { DOWNLOAD_CLIENTS, HUNTER_OPTIONS, type HunterOptions } from './hunter.options';

/** The configured clients by kind; the supervisor closes them once it has let go of its downloads. */
export class DownloadClients extends Map<DownloadClientKind, DownloadClient> {}

export const downloadClientsProvider: FactoryProvider<DownloadClients> = {
  provide: DOWNLOAD_CLIENTS,
  inject: [HUNTER_OPTIONS],
  useFactory: (options: HunterOptions) => {
    const clients = new DownloadClients();
    clients.set('embedded', new EmbeddedClient(options.clients.embedded));
    if (options.clients.transmission) clients.set('transmission', new TransmissionClient(options.clients.transmission));
    if (options.clients.qbittorrent) clients.set('qbittorrent', new QBittorrentClient(options.clients.qbittorrent));
    return clients;
  },
};
