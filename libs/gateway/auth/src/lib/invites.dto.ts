import { z } from 'zod';
import { type InviteEntity, type InviteStatus, inviteStatus } from '@sokoul/persistence';

export const createInviteSchema = z.strictObject({
  /** When given, only an account with this email can use the invite. */
  email: z.email({ error: 'email must be an email address' }).max(254).optional(),
  expiresInHours: z.number().int().min(1).max(24 * 30).default(24 * 7),
});
export type CreateInviteDto = z.infer<typeof createInviteSchema>;

export const inviteIdSchema = z.uuid({ error: 'expected an invite id (UUID)' });

export const listInvitesSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid({ error: 'cursor is the nextCursor of a previous page' }).optional(),
});
export type ListInvitesDto = z.infer<typeof listInvitesSchema>;

export interface InviteDto {
  id: string;
  email: string | null;
  status: InviteStatus;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
}

export interface InvitePageDto {
  items: InviteDto[];
  nextCursor: string | null;
}

export function toInviteDto(invite: InviteEntity): InviteDto {
  return {
    id: invite.id,
    email: invite.email,
    status: inviteStatus(invite),
    createdBy: invite.createdBy,
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
    usedAt: invite.usedAt?.toISOString() ?? null,
    usedBy: invite.usedBy,
  };
}
