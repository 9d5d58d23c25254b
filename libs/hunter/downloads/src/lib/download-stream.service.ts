import { ConflictException, ForbiddenException, HttpException, HttpStatus, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { verifyStreamTicket } from '@sokoul/contracts';
import { resolveInsideAsync } from '@sokoul/hunter/library';
import { contentTypeFor, parseRange } from '@sokoul/http-range';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@sokoul/messaging';
import { DownloadRepository } from '@sokoul/persistence';
import type { DownloadClients } from './download-clients.provider';
import { DOWNLOAD_CLIENTS, HUNTER_OPTIONS, type HunterOptions } from './hunter.options';

export interface FileStream {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * A file of a download this hunter holds, read while it arrives: the embedded engine fetches the
 * asked range's pieces first, so playback starts after a few percent. Daemons cannot prioritise
 * pieces through their APIs: their files are served once complete. Only with a ticket a gateway
 * signed for this very file (the gateway decided who may watch).
 */
@Injectable()
export class DownloadStreamService {
  private readonly instanceId: string;

  constructor(
    private readonly downloads: DownloadRepository,
    @Inject(DOWNLOAD_CLIENTS) private readonly clients: DownloadClients,
    @Inject(HUNTER_OPTIONS) private readonly options: HunterOptions,
    @Inject(MESSAGING_OPTIONS) messaging: MessagingOptions,
  ) {
    this.instanceId = messaging.instanceId;
  }

  async open(downloadId: string, fileIndex: number, ticket: string, rangeHeader: string | undefined): Promise<FileStream> {
    if (!verifyStreamTicket(this.options.streamSecret, ticket, { downloadId, fileIndex })) throw new ForbiddenException('no valid stream ticket for this file');
    const download = await this.downloads.findById(downloadId);
    if (!download || download.claimedBy !== this.instanceId || !download.infoHash) throw new ConflictException('this hunter does not hold that download (any more)');
    const file = download.files?.find((f) => f.index === fileIndex);
    if (!file) throw new NotFoundException(`the download has no file ${fileIndex} being downloaded`);
    const client = this.clients.get(download.client);
    if (!client) throw new ConflictException(`${download.client} is not configured on this hunter`);

    const range = rangeHeader === undefined ? null : parseRange(rangeHeader, file.length);
    if (range === 'unsatisfiable') throw new HttpException(`the file has ${file.length} bytes`, HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
    const headers: Record<string, string> = { 'accept-ranges': 'bytes', 'content-type': contentTypeFor(file.path) };
    const span = range ?? { start: 0, end: file.length - 1 };
    let body: Readable;
    if (client.readRange) {
      body = client.readRange(download.infoHash, fileIndex, span);
    } else {
      const status = await client.status(download.infoHash);
      const progress = status?.files.find((f) => f.index === fileIndex);
      if (!progress || progress.downloadedBytes < progress.length) throw new ConflictException(`${download.client} cannot stream a file before it is complete`);
      const path = await resolveInsideAsync(join(this.options.downloadDir, download.id), file.path);
      body = createReadStream(path, { start: span.start, end: span.end });
    }
    const length = String(span.end - span.start + 1);
    return range
      ? { status: 206, headers: { ...headers, 'content-length': length, 'content-range': `bytes ${span.start}-${span.end}/${file.length}` }, body }
      : { status: 200, headers: { ...headers, 'content-length': length }, body };
  }
}
