import { HttpStatus, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuditTrail } from '@sokoul/gateway/access';
import { ProblemException } from '@sokoul/gateway/http';
import { InviteRepository } from '@sokoul/persistence';
import type { ClientInfo } from './auth.dto';
import { type CreateInviteDto, type CreatedInviteDto, type InvitePageDto, toInviteDto } from './invites.dto';

/** Invite codes are 24 random bytes; only their SHA-256 is stored, like refresh tokens and API keys. */
export function hashInviteCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** Invites for registration when it is `invite` only; managed by admins. */
@Injectable()
export class InvitesService {
  constructor(
    private readonly invites: InviteRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** The code is in this answer and nowhere else, ever. */
  async create(input: CreateInviteDto, actorUserId: string, client: ClientInfo): Promise<CreatedInviteDto> {
    const code = randomBytes(24).toString('base64url');
    const invite = await this.invites.create({
      id: randomUUID(),
      codeHash: hashInviteCode(code),
      email: input.email?.toLowerCase() ?? null,
      createdBy: actorUserId,
      expiresAt: new Date(Date.now() + input.expiresInHours * 3_600_000),
    });
    await this.audit.record({
      action: 'invite.created',
      outcome: 'ok',
      actorUserId,
      target: { type: 'invite', id: invite.id },
      client,
      details: { email: invite.email, expiresAt: invite.expiresAt.toISOString() },
    });
    return { ...toInviteDto(invite), code };
  }

  async list(limit: number, cursor?: string): Promise<InvitePageDto> {
    const rows = await this.invites.list(limit + 1, cursor);
    const items = rows.slice(0, limit).map((invite) => toInviteDto(invite));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  async revoke(id: string, actorUserId: string, client: ClientInfo): Promise<void> {
    if (!(await this.invites.revoke(id))) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'invite-not-found', 'Invite not found', `There is no pending invite with id ${id}.`);
    }
    await this.audit.record({ action: 'invite.revoked', outcome: 'ok', actorUserId, target: { type: 'invite', id }, client });
  }
}
