import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Req, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, IdempotencyInterceptor, ZodValidationPipe } from '@sokoul/gateway/http';
import { type CreateIndexerDto, type IndexerDto, type UpdateIndexerDto, createIndexerSchema, indexerIdSchema, indexerSchema, updateIndexerSchema } from './indexer.dto';
import { IndexersService } from './indexers.service';

/** Torznab indexers (Jackett, Prowlarr or native), for admins. */
@Controller('indexers')
@RequireRole('admin')
export class IndexersController {
  constructor(private readonly indexers: IndexersService) {}

  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Add a Torznab indexer (the API key is stored encrypted and never shown again; a taken name: 409)', response: indexerSchema, errors: [409] })
  create(
    @Body(new ZodValidationPipe(createIndexerSchema)) body: CreateIndexerDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<IndexerDto> {
    return this.indexers.create(body, principal.userId, clientInfo(request));
  }

  @Get()
  @ApiOperation({ summary: 'All indexers, by priority then name', response: z.array(indexerSchema) })
  list(): Promise<IndexerDto[]> {
    return this.indexers.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indexer', response: indexerSchema })
  get(@Param('id', new ZodValidationPipe(indexerIdSchema)) id: string): Promise<IndexerDto> {
    return this.indexers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an indexer; `apiKey` replaces the stored key (a taken name: 409)', response: indexerSchema, errors: [409] })
  update(
    @Param('id', new ZodValidationPipe(indexerIdSchema)) id: string,
    @Body(new ZodValidationPipe(updateIndexerSchema)) body: UpdateIndexerDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<IndexerDto> {
    return this.indexers.update(id, body, principal.userId, clientInfo(request));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove an indexer' })
  delete(@Param('id', new ZodValidationPipe(indexerIdSchema)) id: string, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<void> {
    return this.indexers.delete(id, principal.userId, clientInfo(request));
  }

  /** 200 with the capabilities; 422 `indexer-auth-failed` when the key is refused, 502 when the indexer fails or cannot be reached. */
  @Post(':id/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Test an indexer: read its capabilities (t=caps) with the stored key and keep them',
    response: indexerSchema,
    errors: [422, 502],
  })
  test(@Param('id', new ZodValidationPipe(indexerIdSchema)) id: string, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<IndexerDto> {
    return this.indexers.test(id, principal.userId, clientInfo(request));
  }
}
