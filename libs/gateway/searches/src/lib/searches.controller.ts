import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ApiOperation, IdempotencyInterceptor, ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type CreateSearchDto,
  type ListSearchesDto,
  type SearchDto,
  type SearchPageDto,
  createSearchSchema,
  listSearchesSchema,
  searchIdSchema,
  searchPageSchema,
  searchSchema,
} from './search.dto';
import { type ListReleasesDto, type ReleasePageDto, listReleasesSchema, releasePageSchema } from './release.dto';
import { SearchesService } from './searches.service';

@Controller('searches')
export class SearchesController {
  constructor(private readonly searches: SearchesService) {}

  /** 202: the search runs asynchronously; poll `Location` or listen on /ws for `search.completed`. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Start a search (asynchronous: 202, then poll `Location` or listen on /ws)',
    response: searchSchema,
  })
  async create(
    @Body(new ZodValidationPipe(createSearchSchema)) body: CreateSearchDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SearchDto> {
    const search = await this.searches.create(body, principal.userId);
    response.setHeader('Location', `/api/v1/searches/${search.id}`);
    return search;
  }

  @Get()
  @ApiOperation({ summary: 'Your searches (everyone\'s, for admins), newest first, a page at a time', response: searchPageSchema })
  list(@Query(new ZodValidationPipe(listSearchesSchema)) query: ListSearchesDto, @CurrentPrincipal() principal: Principal): Promise<SearchPageDto> {
    return this.searches.list(principal, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One search and its status', response: searchSchema })
  get(@Param('id', new ZodValidationPipe(searchIdSchema)) id: string, @CurrentPrincipal() principal: Principal): Promise<SearchDto> {
    return this.searches.get(id, principal);
  }

  @Get(':id/releases')
  @ApiOperation({
    summary: "The search's releases, best first (accepted and not judged a mismatch, then score with the oracle's adjustment, then seeders), a page at a time; never their download or magnet links",
    response: releasePageSchema,
  })
  releases(
    @Param('id', new ZodValidationPipe(searchIdSchema)) id: string,
    @Query(new ZodValidationPipe(listReleasesSchema)) query: ListReleasesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReleasePageDto> {
    return this.searches.releasesOf(id, principal, query.limit, query.cursor);
  }
}
