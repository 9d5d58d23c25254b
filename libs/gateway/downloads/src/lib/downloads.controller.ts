import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ApiOperation, IdempotencyInterceptor, ZodValidationPipe, clientInfo } from '@sokoul/gateway/http';
import {
  type CancelDownloadDto,
  type CreateDownloadDto,
  type DownloadDto,
  type DownloadPageDto,
  type ListDownloadsDto,
  cancelDownloadSchema,
  createDownloadSchema,
  downloadIdSchema,
  fileIndexSchema,
  downloadPageSchema,
  downloadSchema,
  libraryFileSchema,
  listDownloadsSchema,
} from './download.dto';
import { DownloadsService } from './downloads.service';

const downloadWithFilesSchema = downloadSchema.extend({ libraryFiles: libraryFileSchema.array().describe('once completed: what it put in the library') });

/** Downloads: a release fetched over BitTorrent by a hunter, then filed into the library. */
@Controller('downloads')
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary:
      'Download a release of one of your searches (or, admins, any magnet). Queued at once; its file list is vetted before any payload. Not the requested title, no link or blocklisted: 422; already being downloaded: 409',
    response: downloadSchema,
    errors: [403, 404, 409, 422],
  })
  async create(
    @Body(new ZodValidationPipe(createDownloadSchema)) body: CreateDownloadDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DownloadDto> {
    const download = await this.downloads.create(body, principal, clientInfo(request));
    response.setHeader('Location', `/api/v1/downloads/${download.id}`);
    return download;
  }

  @Get()
  @ApiOperation({ summary: "Your downloads (everyone's, for admins), newest first, a page at a time; `status` filters", response: downloadPageSchema })
  list(@Query(new ZodValidationPipe(listDownloadsSchema)) query: ListDownloadsDto, @CurrentPrincipal() principal: Principal): Promise<DownloadPageDto> {
    return this.downloads.list(principal, query.limit, query.cursor, query.status);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One download: state, progress, files, and once completed the library files it made', response: downloadWithFilesSchema })
  get(@Param('id', new ZodValidationPipe(downloadIdSchema)) id: string, @CurrentPrincipal() principal: Principal) {
    return this.downloads.get(id, principal);
  }

  @Get(':id/files/:index/stream')
  @ApiOperation({
    summary:
      'A file of a running download, while it arrives: honours `Range`; with the embedded client the range asked for is fetched first, so playback starts after a few percent (other clients: once the file is complete, else 409)',
    errors: [409, 416, 503],
  })
  async stream(
    @Param('id', new ZodValidationPipe(downloadIdSchema)) id: string,
    @Param('index', new ZodValidationPipe(fileIndexSchema)) index: number,
    @CurrentPrincipal() principal: Principal,
    @Headers('range') range: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const answer = await this.downloads.stream(id, index, principal, range);
    response.status(answer.status);
    for (const header of ['content-type', 'content-length', 'content-range', 'accept-ranges']) {
      const value = answer.headers.get(header);
      if (value) response.setHeader(header, value);
    }
    if (!answer.body) return void response.end();
    const body = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream);
    // A player that seeks closes the connection mid-range: not an error.
    await pipeline(body, response).catch(() => body.destroy());
  }

  @Post(':id/pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Pause a queued or running download (already paused: unchanged; finished: 409)', response: downloadSchema, errors: [409] })
  pause(@Param('id', new ZodValidationPipe(downloadIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<DownloadDto> {
    return this.downloads.pause(id, principal);
  }

  @Post(':id/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Resume a paused download: back in the queue, it carries on from what is on disk (not paused: 409)', response: downloadSchema, errors: [409] })
  resume(@Param('id', new ZodValidationPipe(downloadIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<DownloadDto> {
    return this.downloads.resume(id, principal);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a download, with `deleteData` also deleting what was downloaded (finished: 409)', response: downloadSchema, errors: [409] })
  cancel(
    @Param('id', new ZodValidationPipe(downloadIdSchema)) id: string,
    @Body(new ZodValidationPipe(cancelDownloadSchema)) body: CancelDownloadDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DownloadDto> {
    return this.downloads.cancel(id, principal, body.deleteData);
  }
}
