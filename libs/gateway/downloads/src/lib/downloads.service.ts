import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Media, Subjects, signStreamTicket } from '@sokoul/contracts';
import { AuditTrail, type Principal, isAdmin } from '@sokoul/gateway/access';
import { ProblemException, ServiceUnavailableProblem, ValidationProblem, decodeCursor, encodeCursor } from '@sokoul/gateway/http';
import { JetStreamPublisher } from '@sokoul/messaging';
import {
  BlocklistRepository,
  type DownloadEntity,
  DownloadRepository,
  type DownloadStatus,
  LibraryFileRepository,
  type NewDownload,
  ReleaseRepository,
  SearchRepository,
} from '@sokoul/persistence';
import { matchReleaseToMedia } from '@sokoul/release-ranking';
import { infoHashFromMagnet } from '@sokoul/torznab';
import { type CreateDownloadDto, type DownloadDto, type DownloadPageDto, type LibraryFileDto, toDownloadDto, toLibraryFileDto } from './download.dto';
import { GATEWAY_DOWNLOADS_OPTIONS, type GatewayDownloadsOptions } from './downloads.options';

type Client = { ip: string | null; userAgent: string | null };

/** The states an API action may start from: anything else has finished or is already there. */
const PAUSABLE: readonly DownloadStatus[] = ['queued', 'downloading'];
const CANCELLABLE: readonly DownloadStatus[] = ['queued', 'downloading', 'paused'];

/**
 * Downloads over the API. The gateway records the wanted state in the download's row; the
 * hunter holding it makes its BitTorrent client follow within a tick. Users see and act on
 * their own downloads, admins on everyone's.
 */
@Injectable()
export class DownloadsService {
  private readonly logger = new Logger(DownloadsService.name);

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly releases: ReleaseRepository,
    private readonly searches: SearchRepository,
    private readonly blocklist: BlocklistRepository,
    private readonly libraryFiles: LibraryFileRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly audit: AuditTrail,
    @Inject(GATEWAY_DOWNLOADS_OPTIONS) private readonly options: GatewayDownloadsOptions,
  ) {}

  async create(input: CreateDownloadDto, principal: Principal, client: Client): Promise<DownloadDto> {
    const request = input.magnet === undefined ? await this.fromRelease(String(input.releaseId), input, principal) : this.fromMagnet(input.magnet, input, principal);
    const outcome = await this.downloads.request(request);
    if (outcome.outcome === 'already-active') {
      const mine = ownedBy(outcome.download.userId, principal);
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'already-downloading',
        'Already being downloaded',
        mine ? `This torrent is already being downloaded: download ${outcome.download.id}.` : 'This torrent is already being downloaded for another user; it will be in the library when it completes.',
        mine ? { downloadId: outcome.download.id } : undefined,
      );
    }
    await this.audit.record({
      action: 'download.requested',
      outcome: 'ok',
      actorUserId: principal.userId,
      target: { type: 'download', id: outcome.download.id },
      client,
      details: { title: request.title, releaseId: request.releaseId, infoHash: request.infoHash },
    });
    await this.announce(outcome.download);
    return toDownloadDto(outcome.download);
  }

  async list(principal: Principal, limit: number, cursor?: string, status?: DownloadStatus): Promise<DownloadPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    const rows = await this.downloads.listPage(isAdmin(principal) ? null : principal.userId, limit + 1, after, status);
    const items = rows.slice(0, limit).map(toDownloadDto);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async get(id: string, principal: Principal): Promise<DownloadDto & { libraryFiles: LibraryFileDto[] }> {
    const download = await this.visible(id, principal);
    const files = download.status === 'completed' ? await this.libraryFiles.ofDownload(id) : [];
    return { ...toDownloadDto(download), libraryFiles: files.map(toLibraryFileDto) };
  }

  /**
   * A file of a running download, fetched from the hunter that holds it (with a ticket only that
   * hunter accepts) and passed through as is: status, range and bytes. Completed downloads are
   * played from the library instead.
   */
  async stream(id: string, fileIndex: number, principal: Principal, range: string | undefined): Promise<Response> {
    const download = await this.visible(id, principal);
    if (!['downloading', 'paused'].includes(download.status) || !download.servedFrom) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'download-not-streamable',
        'Nothing to stream yet',
        download.status === 'completed' ? `Download ${id} is complete: play its files from the library.` : `Download ${id} is ${download.status}: its files are not arriving yet.`,
      );
    }
    if (!download.files?.some((f) => f.index === fileIndex)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'download-file-not-found', 'No such file', `Download ${id} is not fetching a file ${fileIndex}.`);
    }
    const ticket = signStreamTicket(this.options.streamSecret, { downloadId: id, fileIndex, expiresAt: Date.now() + 60_000 });
    const url = `${download.servedFrom}/internal/downloads/${id}/files/${fileIndex}/stream?ticket=${encodeURIComponent(ticket)}`;
    const answer = await fetch(url, { headers: range ? { range } : {}, signal: AbortSignal.timeout(30_000) }).catch(() => null);
    if (!answer) throw new ServiceUnavailableProblem('The hunter holding this download cannot be reached; retry in a moment.', 5);
    if (answer.status === 416) {
      await answer.body?.cancel();
      throw new ProblemException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, 'range-not-satisfiable', 'Range not satisfiable', `The file is shorter than the range asked for.`);
    }
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new ProblemException(HttpStatus.CONFLICT, 'download-not-streamable', 'Nothing to stream yet', `The hunter cannot serve this file now (${answer.status}): its client streams only complete files, or the download moved.`);
    }
    return answer;
  }

  pause(id: string, principal: Principal): Promise<DownloadDto> {
    return this.change(id, principal, PAUSABLE, 'paused');
  }

  resume(id: string, principal: Principal): Promise<DownloadDto> {
    return this.change(id, principal, ['paused'], 'queued');
  }

  cancel(id: string, principal: Principal, deleteData: boolean): Promise<DownloadDto> {
    return this.change(id, principal, CANCELLABLE, 'cancelled', { deleteData });
  }

  /** The same action twice is harmless (already there: the download as it is); from a finished state it is a 409. */
  private async change(id: string, principal: Principal, from: readonly DownloadStatus[], to: DownloadStatus, extra: { deleteData?: boolean } = {}): Promise<DownloadDto> {
    const download = await this.visible(id, principal);
    if (download.status === to) return toDownloadDto(download);
    const changed = await this.downloads.transition(id, from, to, extra);
    if (!changed) {
      const now = (await this.downloads.findById(id)) ?? download;
      throw new ProblemException(HttpStatus.CONFLICT, 'download-not-changeable', 'The download cannot do that now', `Download ${id} is ${now.status}: it cannot be ${verb(to)}.`);
    }
    await this.announce(changed);
    return toDownloadDto(changed);
  }

  private async fromRelease(releaseId: string, input: CreateDownloadDto, principal: Principal): Promise<NewDownload> {
    const release = await this.releases.findById(releaseId);
    const search = release ? await this.searches.findById(release.searchId) : null;
    if (!release || !search || !ownedBy(search.userId, principal)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'release-not-found', 'Release not found', `No release has id ${releaseId}.`);
    }
    const sourceUrl = release.magnetUrl ?? release.downloadUrl;
    if (!sourceUrl) throw refused('release-has-no-link', 'The indexer gave this release neither a magnet nor a .torrent link.');
    if (release.infoHash && (await this.blocklist.blockedAmong([release.infoHash])).size > 0) {
      throw refused('release-blocklisted', 'This torrent is on the blocklist (a refused file list, a failed download or an admin’s decision).');
    }
    const media = (search.media as Media | null) ?? null;
    if (media) {
      const match = matchReleaseToMedia(release.title, media);
      if (!match.ok) throw refused(match.code, `${match.reason} The release is not what the search was identified as.`);
    }
    return {
      ...this.base(principal, input),
      releaseId: release.id,
      searchId: search.id,
      infoHash: release.infoHash,
      title: release.title,
      media: media as Record<string, unknown> | null,
      claimedSizeBytes: release.sizeBytes,
      sourceUrl,
    };
  }

  private fromMagnet(magnet: string, input: CreateDownloadDto, principal: Principal): NewDownload {
    if (!isAdmin(principal)) throw new ProblemException(HttpStatus.FORBIDDEN, 'admin-only', 'Admins only', 'Only admins may download an arbitrary magnet link; download a release of one of your searches instead.');
    const infoHash = infoHashFromMagnet(magnet);
    if (!infoHash) throw new ValidationProblem([{ pointer: '/magnet', detail: 'the magnet link has no BitTorrent v1 info-hash (xt=urn:btih:…)' }]);
    const name = new URLSearchParams(magnet.slice(magnet.indexOf('?') + 1)).get('dn')?.trim();
    return {
      ...this.base(principal, input),
      releaseId: null,
      searchId: null,
      infoHash,
      title: (input.title ?? (name || infoHash)).slice(0, 1000),
      media: null,
      claimedSizeBytes: null,
      sourceUrl: magnet,
    };
  }

  private base(principal: Principal, input: CreateDownloadDto): Pick<NewDownload, 'id' | 'requestId' | 'userId' | 'watchlistItemId' | 'client'> {
    const id = randomUUID();
    return { id, requestId: `api:${id}`, userId: principal.userId, watchlistItemId: null, client: input.client ?? this.options.defaultClient };
  }

  /** Another user's download is "not found", not "forbidden": its existence is not revealed. */
  private async visible(id: string, principal: Principal): Promise<DownloadEntity> {
    const download = await this.downloads.findById(id);
    if (!download || !ownedBy(download.userId, principal)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'download-not-found', 'Download not found', `No download has id ${id}.`);
    }
    return download;
  }

  /** Best effort: clients also poll, and the row is the truth whether or not the event goes out. */
  private async announce(download: DownloadEntity): Promise<void> {
    try {
      await this.publisher.publish(
        Subjects.downloadUpdated,
        {
          downloadId: download.id,
          requestId: download.requestId,
          requestedBy: download.userId,
          watchlistItemId: download.watchlistItemId,
          releaseId: download.releaseId,
          infoHash: download.infoHash,
          title: download.title,
          status: download.status,
          failureCode: download.failureCode,
          reason: download.error,
          blocklisted: false,
          occurredAt: new Date().toISOString(),
        },
        { id: `download.updated:${download.id}:${download.status}:${download.updatedAt.getTime()}` },
      );
    } catch (error) {
      this.logger.warn(`download ${download.id} is ${download.status}, but the event could not be published: ${(error as Error).message}`);
    }
  }
}

function ownedBy(userId: string | null, principal: Principal): boolean {
  return userId === principal.userId || isAdmin(principal);
}

function refused(type: string, detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, type, 'The release cannot be downloaded', detail);
}

function verb(status: DownloadStatus): string {
  return status === 'queued' ? 'resumed' : status;
}
