import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type CreateInviteDto,
  type CreatedInviteDto,
  type InvitePageDto,
  type ListInvitesDto,
  createInviteSchema,
  createdInviteSchema,
  inviteIdSchema,
  invitePageSchema,
  listInvitesSchema,
} from './invites.dto';
import { InvitesService } from './invites.service';

/** Registration invites, for admins: single-use codes, optionally bound to an email. */
@Controller('admin/invites')
@RequireRole('admin')
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a single-use registration invite (the code is shown once)', response: createdInviteSchema })
  create(
    @Body(new ZodValidationPipe(createInviteSchema)) body: CreateInviteDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<CreatedInviteDto> {
    return this.invites.create(body, principal.userId, clientInfo(request));
  }

  @Get()
  @ApiOperation({ summary: 'Invites, newest first, with their status', response: invitePageSchema })
  list(@Query(new ZodValidationPipe(listInvitesSchema)) query: ListInvitesDto): Promise<InvitePageDto> {
    return this.invites.list(query.limit, query.cursor);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke a pending invite' })
  revoke(@Param('id', new ZodValidationPipe(inviteIdSchema)) id: string, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<void> {
    return this.invites.revoke(id, principal.userId, clientInfo(request));
  }
}
