import { Controller, Get, Query } from '@nestjs/common';
import { RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, ZodValidationPipe } from '@sokoul/gateway/http';
import { AuditLogRepository } from '@sokoul/persistence';
import { type AuditPageDto, type AuditQueryDto, auditPageSchema, auditQuerySchema, toAuditEntryDto } from './audit-log.dto';

/** The audit log for admins, newest first, filtered by action and actor, a page at a time. */
@Controller('admin/audit-log')
@RequireRole('admin')
export class AuditLogController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  @ApiOperation({ summary: 'Security-relevant actions, newest first, by action and actor', response: auditPageSchema })
  async list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQueryDto): Promise<AuditPageDto> {
    const entries = await this.log.query({ action: query.action, actorUserId: query.actor, before: query.before, limit: query.limit + 1 });
    const items = entries.slice(0, query.limit).map(toAuditEntryDto);
    return { items, nextCursor: entries.length > query.limit ? items[items.length - 1].id : null };
  }
}
