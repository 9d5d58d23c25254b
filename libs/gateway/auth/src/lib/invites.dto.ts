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

export const inviteSchema = z.object({
  id: z.uuid(),
  email: z.string().nullable().describe('only an account with this email can use the invite'),
  status: z.enum(['pending', 'used', 'revoked', 'expired'] satisfies InviteStatus[]),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  usedAt: z.iso.datetime().nullable(),
  usedBy: z.uuid().nullable(),
});
export type InviteDto = z.infer<typeof inviteSchema>;

export const createdInviteSchema = inviteSchema.extend({ code: z.string().describe('the invite code, shown in this answer only: give it as `inviteCode` to /auth/register') });
export type CreatedInviteDto = z.infer<typeof createdInviteSchema>;

export const invitePageSchema = z.object({ items: z.array(inviteSchema), nextCursor: z.string().nullable() });
export type InvitePageDto = z.infer<typeof invitePageSchema>;

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
