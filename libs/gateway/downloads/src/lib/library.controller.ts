import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ApiOperation, ZodValidationPipe } from '@sokoul/gateway/http';
import { type LibraryFileDto, type LibraryPageDto, type ListLibraryDto, libraryFileIdSchema, libraryFileSchema, libraryPageSchema, listLibrarySchema } from './download.dto';
import { LibraryService } from './library.service';

/** The library: what downloads filed, by owner; each file streams with HTTP Range. */
@Controller('library')
export class LibraryController {
  constructor(private readonly library: LibraryService) {}

  @Get()
  @ApiOperation({ summary: "Your library files (everyone's, for admins), newest first, a page at a time", response: libraryPageSchema })
  list(@Query(new ZodValidationPipe(listLibrarySchema)) query: ListLibraryDto, @CurrentPrincipal() principal: Principal): Promise<LibraryPageDto> {
    return this.library.list(principal, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One library file', response: libraryFileSchema })
  get(@Param('id', new ZodValidationPipe(libraryFileIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<LibraryFileDto> {
    return this.library.get(id, principal);
  }

  @Get(':id/stream')
  @ApiOperation({ summary: 'The file itself, for players: honours `Range` (206 Partial Content, 416 past the end) and `If-Range`', errors: [410, 416] })
  async stream(
    @Param('id', new ZodValidationPipe(libraryFileIdSchema)) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('range') range: string | undefined,
    @Headers('if-range') ifRange: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { status, headers, body } = await this.library.stream(id, principal, range, ifRange);
    response.status(status).set(headers);
    // A player that seeks closes the connection mid-file: that is not an error worth a log line.
    await pipeline(body, response).catch(() => body.destroy());
  }
}
