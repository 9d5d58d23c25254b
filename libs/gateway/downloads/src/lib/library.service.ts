import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { type Principal, isAdmin } from '@sokoul/gateway/access';
import { ProblemException, ValidationProblem, decodeCursor, encodeCursor } from '@sokoul/gateway/http';
import { type LibraryFileEntity, LibraryFileRepository } from '@sokoul/persistence';
import { type LibraryFileDto, type LibraryPageDto, toLibraryFileDto } from './download.dto';
import { GATEWAY_DOWNLOADS_OPTIONS, type GatewayDownloadsOptions } from './downloads.options';
import { type ByteRange, contentTypeFor, parseRange } from '@sokoul/http-range';

export interface LibraryStream {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

/** The library: files the hunter filed, listed per owner and streamed with HTTP Range. */
@Injectable()
export class LibraryService {
  constructor(
    private readonly files: LibraryFileRepository,
    @Inject(GATEWAY_DOWNLOADS_OPTIONS) private readonly options: GatewayDownloadsOptions,
  ) {}

  async list(principal: Principal, limit: number, cursor?: string): Promise<LibraryPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    const rows = await this.files.listPage(isAdmin(principal) ? null : principal.userId, limit + 1, after);
    const items = rows.slice(0, limit).map(toLibraryFileDto);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async get(id: string, principal: Principal): Promise<LibraryFileDto> {
    return toLibraryFileDto(await this.visible(id, principal));
  }

  /**
   * The file, or the one byte range asked for (206; a range past the end: 416). Several ranges
   * in one request are answered with the whole file, as RFC 9110 allows. `If-Range` with an
   * outdated validator also gets the whole file, so a resumed player never mixes two versions.
   */
  async stream(id: string, principal: Principal, rangeHeader: string | undefined, ifRange: string | undefined): Promise<LibraryStream> {
    const file = await this.visible(id, principal);
    const path = await this.pathOf(file);
    const { size, mtime } = await stat(path).catch(() => {
      throw new ProblemException(HttpStatus.GONE, 'library-file-missing', 'The file is no longer there', `Library file ${id} was removed from the library folder.`);
    });
    // The content's hash once recorded; until then, its size and time (a weak validator).
    const etag = file.sha256 ? `"${file.sha256}"` : `W/"${size}-${mtime.getTime()}"`;
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      'content-type': contentTypeFor(path),
      etag,
      'last-modified': mtime.toUTCString(),
      'cache-control': 'private, max-age=3600',
    };
    const honoured = rangeHeader !== undefined && (ifRange === undefined || ifRange === etag);
    const range: ByteRange | 'unsatisfiable' | null = honoured ? parseRange(rangeHeader, size) : null;
    if (range === 'unsatisfiable') {
      throw new ProblemException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, 'range-not-satisfiable', 'Range not satisfiable', `The file has ${size} bytes.`, {}, { 'Content-Range': `bytes */${size}` });
    }
    if (!range) return { status: 200, headers: { ...headers, 'content-length': String(size) }, body: createReadStream(path) };
    return {
      status: 206,
      headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` },
      body: createReadStream(path, { start: range.start, end: range.end }),
    };
  }

  /** Inside the library folder, symlinks resolved: a path in the database never leads elsewhere. */
  private async pathOf(file: LibraryFileEntity): Promise<string> {
    const root = await realpath(this.options.libraryDir).catch(() => resolve(this.options.libraryDir));
    const candidate = resolve(root, file.relativePath);
    const real = await realpath(candidate).catch(() => candidate);
    if (!real.startsWith(root + sep)) {
      throw new ProblemException(HttpStatus.GONE, 'library-file-missing', 'The file is no longer there', `Library file ${file.id} is not inside the library folder.`);
    }
    return real;
  }

  private async visible(id: string, principal: Principal): Promise<LibraryFileEntity> {
    const file = await this.files.findById(id);
    if (!file || (file.userId !== principal.userId && !isAdmin(principal))) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'library-file-not-found', 'Library file not found', `No library file has id ${id}.`);
    }
    return file;
  }
}
