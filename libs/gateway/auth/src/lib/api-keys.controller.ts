import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal } from '@sokoul/gateway/access';
import { ZodValidationPipe } from '@sokoul/gateway/http';
import { type ApiKeyDto, type CreateApiKeyDto, apiKeyIdSchema, createApiKeySchema } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import { clientInfo } from './client-info';

/** The caller's own API keys, for automation (sent as `X-Api-Key`). */
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createApiKeySchema)) body: CreateApiKeyDto,
    @Req() request: Request,
  ) {
    return this.apiKeys.create(principal, body, clientInfo(request));
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.apiKeys.list(principal);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(apiKeyIdSchema)) id: string,
    @Req() request: Request,
  ): Promise<void> {
    return this.apiKeys.revoke(principal, id, clientInfo(request));
  }
}
