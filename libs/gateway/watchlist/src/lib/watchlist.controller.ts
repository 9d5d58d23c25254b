import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ApiOperation, IdempotencyInterceptor, ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type CreateWatchlistItemDto,
  type ListWatchlistDto,
  type UpdateWatchlistItemDto,
  type WatchlistItemDto,
  type WatchlistPageDto,
  createWatchlistItemSchema,
  listWatchlistSchema,
  updateWatchlistItemSchema,
  watchlistItemIdSchema,
  watchlistItemSchema,
  watchlistPageSchema,
} from './watchlist-item.dto';
import { WatchlistService } from './watchlist.service';

/** The watchlist: what each user wants, searched on a schedule and downloaded once good enough. */
@Controller('watchlist')
export class WatchlistController {
  constructor(private readonly watchlist: WatchlistService) {}

  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary:
      'Put a title on your watchlist, or what one of your searches was identified as (`searchId`; 422 if it was not); searched on a schedule, downloaded once a release meets the profile cutoff. Already there: 409',
    response: watchlistItemSchema,
    errors: [409, 422],
  })
  async create(
    @Body(new ZodValidationPipe(createWatchlistItemSchema)) body: CreateWatchlistItemDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WatchlistItemDto> {
    const item = await this.watchlist.create(body, principal);
    response.setHeader('Location', `/api/v1/watchlist/${item.id}`);
    return item;
  }

  @Get()
  @ApiOperation({ summary: "Your watchlist (everyone's, for admins), newest first, a page at a time", response: watchlistPageSchema })
  list(@Query(new ZodValidationPipe(listWatchlistSchema)) query: ListWatchlistDto, @CurrentPrincipal() principal: Principal): Promise<WatchlistPageDto> {
    return this.watchlist.list(principal, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One watchlist item: its status, last search and grabbed release', response: watchlistItemSchema })
  get(@Param('id', new ZodValidationPipe(watchlistItemIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<WatchlistItemDto> {
    return this.watchlist.get(id, principal);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change its quality profile or automatic download, pause or resume it; once its download is under way (grabbing, grabbed) any change is a 409',
    response: watchlistItemSchema,
    errors: [409],
  })
  update(
    @Param('id', new ZodValidationPipe(watchlistItemIdSchema)) id: string,
    @Body(new ZodValidationPipe(updateWatchlistItemSchema)) body: UpdateWatchlistItemDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WatchlistItemDto> {
    return this.watchlist.update(id, body, principal);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Take it off the watchlist (a download already requested goes on)' })
  delete(@Param('id', new ZodValidationPipe(watchlistItemIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.watchlist.delete(id, principal);
  }
}
