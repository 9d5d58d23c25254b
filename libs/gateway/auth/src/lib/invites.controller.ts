import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ZodValidationPipe } from '@sokoul/gateway/http';
import { clientInfo } from './client-info';
import { type CreateInviteDto, type ListInvitesDto, createInviteSchema, inviteIdSchema, listInvitesSchema } from './invites.dto';
import { InvitesService } from './invites.service';

/** Registration invites, for admins: single-use codes, optionally bound to an email. */
@Controller('admin/invites')
@RequireRole('admin')
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}

  @Post()
  create(@Body(new ZodValidationPipe(createInviteSchema)) body: CreateInviteDto, @CurrentPrincipal() principal: Principal, @Req() request: Request) {
    return this.invites.create(body, principal.userId, clientInfo(request));
  }

  @Get()
  list(@Query(new ZodValidationPipe(listInvitesSchema)) query: ListInvitesDto) {
    return this.invites.list(query.limit, query.cursor);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(@Param('id', new ZodValidationPipe(inviteIdSchema)) id: string, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<void> {
    return this.invites.revoke(id, principal.userId, clientInfo(request));
  }
}
