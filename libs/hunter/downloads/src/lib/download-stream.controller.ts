import { Controller, Get, Headers, Param, ParseIntPipe, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DownloadStreamService } from './download-stream.service';

/** Internal: gateways fetch a file of an active download here for their clients (with a ticket). */
@Controller('internal/downloads')
export class DownloadStreamController {
  constructor(private readonly streams: DownloadStreamService) {}

  @Get(':id/files/:index/stream')
  async stream(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('index', new ParseIntPipe()) index: number,
    @Query('ticket') ticket: string | undefined,
    @Headers('range') range: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { status, headers, body } = await this.streams.open(id, index, ticket ?? '', range);
    response.status(status).set(headers);
    // A player that seeks closes the connection mid-range: not an error.
    await pipeline(body, response).catch(() => body.destroy());
  }
}
