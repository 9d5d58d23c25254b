import { Controller, Get, Query } from '@nestjs/common';
import { RequireRole } from '@sokoul/gateway/access';
import { ZodValidationPipe } from '@sokoul/gateway/http';
import { AuditLogRepository } from '@sokoul/persistence';
import { z } from 'zod';

const auditQuerySchema = z.strictObject({
  action: z.string().regex(/^[a-z_.]{1,50}$/).optional(),
  actor: z.uuid().optional(),
  before: z.string().regex(/^\d{1,19}$/, { error: 'before is the nextCursor of a previous page' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The audit log for admins, newest first, filtered by action and actor, a page at a time. */
@Controller('admin/audit-log')
@RequireRole('admin')
export class AuditLogController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  async list(@Query(new ZodValidationPipe(auditQuerySchema)) query: z.infer<typeof auditQuerySchema>) {
    const entries = await this.log.query({ action: query.action, actorUserId: query.actor, before: query.before, limit: query.limit + 1 });
    const items = entries.slice(0, query.limit).map((e) => ({
      id: e.id,
      occurredAt: e.occurredAt.toISOString(),
      action: e.action,
      outcome: e.outcome,
      actorUserId: e.actorUserId,
      target: e.targetType ? { type: e.targetType, id: e.targetId } : null,
      ip: e.ip,
      userAgent: e.userAgent,
      details: e.details,
    }));
    return { items, nextCursor: entries.length > query.limit ? items[items.length - 1].id : null };
  }
}
