import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, ZodValidationPipe } from '@sokoul/gateway/http';
import { type ApiKeyDto, type CreateApiKeyDto, type CreatedApiKeyDto, apiKeyIdSchema, apiKeySchema, createApiKeySchema, createdApiKeySchema } from './api-keys.dto';
import { z } from 'zod';
import { ApiKeysService } from './api-keys.service';

/** The caller's own API keys, for automation (sent as `X-Api-Key`). */
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key (shown once) from a signed-in session', response: createdApiKeySchema })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createApiKeySchema)) body: CreateApiKeyDto,
    @Req() request: Request,
  ): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, body, clientInfo(request));
  }

  @Get()
  @ApiOperation({ summary: "The caller's active API keys (never the keys themselves)", response: z.array(apiKeySchema) })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.apiKeys.list(principal);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of your API keys; it stops working at once' })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(apiKeyIdSchema)) id: string,
    @Req() request: Request,
  ): Promise<void> {
    return this.apiKeys.revoke(principal, id, clientInfo(request));
  }
}
