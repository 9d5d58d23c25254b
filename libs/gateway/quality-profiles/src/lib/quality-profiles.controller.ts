import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Req, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, IdempotencyInterceptor, ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type CreateQualityProfileDto,
  type QualityProfileDto,
  type UpdateQualityProfileDto,
  createQualityProfileSchema,
  qualityProfileIdSchema,
  qualityProfileSchemaDto,
  updateQualityProfileSchema,
} from './quality-profile.dto';
import { QualityProfilesService } from './quality-profiles.service';

/** Quality profiles: how releases are ranked. Everyone signed in reads them; admins change them. */
@Controller('quality-profiles')
export class QualityProfilesController {
  constructor(private readonly profiles: QualityProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'All quality profiles, the default first', response: z.array(qualityProfileSchemaDto) })
  list(): Promise<QualityProfileDto[]> {
    return this.profiles.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One quality profile', response: qualityProfileSchemaDto })
  get(@Param('id', new ZodValidationPipe(qualityProfileIdSchema)) id: string): Promise<QualityProfileDto> {
    return this.profiles.get(id);
  }

  @Post()
  @RequireRole('admin')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a quality profile (a taken name: 409); stored releases are ranked again', response: qualityProfileSchemaDto, errors: [409, 503] })
  create(
    @Body(new ZodValidationPipe(createQualityProfileSchema)) body: CreateQualityProfileDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<QualityProfileDto> {
    return this.profiles.create(body, principal.userId, clientInfo(request));
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Rename a quality profile, replace its rules or make it the default (a taken name: 409); stored releases are ranked again',
    response: qualityProfileSchemaDto,
    errors: [409, 503],
  })
  update(
    @Param('id', new ZodValidationPipe(qualityProfileIdSchema)) id: string,
    @Body(new ZodValidationPipe(updateQualityProfileSchema)) body: UpdateQualityProfileDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<QualityProfileDto> {
    return this.profiles.update(id, body, principal.userId, clientInfo(request));
  }

  @Delete(':id')
  @RequireRole('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a quality profile (the default one: 409); its searches follow the default', errors: [409, 503] })
  delete(@Param('id', new ZodValidationPipe(qualityProfileIdSchema)) id: string, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<void> {
    return this.profiles.delete(id, principal.userId, clientInfo(request));
  }
}
