import { z } from 'zod';
import type { AuditEntryEntity } from '@sokoul/persistence';

export const auditQuerySchema = z.strictObject({
  action: z.string().regex(/^[a-z_.]{1,50}$/).optional(),
  actor: z.uuid().optional(),
  before: z.string().regex(/^\d{1,19}$/, { error: 'before is the nextCursor of a previous page' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQueryDto = z.infer<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string().describe('increasing; pass as `before` to page'),
  occurredAt: z.iso.datetime(),
  action: z.string(),
  outcome: z.enum(['ok', 'failed']),
  actorUserId: z.uuid().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPageDto = z.infer<typeof auditPageSchema>;

export function toAuditEntryDto(entry: AuditEntryEntity): AuditEntryDto {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    action: entry.action,
    outcome: entry.outcome,
    actorUserId: entry.actorUserId,
    target: entry.targetType ? { type: entry.targetType, id: entry.targetId } : null,
    ip: entry.ip,
    userAgent: entry.userAgent,
    details: entry.details,
  };
}
