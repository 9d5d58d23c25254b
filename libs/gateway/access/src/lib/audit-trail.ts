import { Injectable } from '@nestjs/common';
import { AuditLogRepository } from '@sokoul/persistence';

export type AuditAction =
  | 'user.registered'
  | 'auth.login'
  | 'auth.refresh_reused'
  | 'user.role_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'settings.changed'
  | 'invite.created'
  | 'invite.revoked'
  | 'indexer.created'
  | 'indexer.updated'
  | 'indexer.deleted'
  | 'indexer.tested'
  | 'quality_profile.changed'
  | 'download.requested';

export interface AuditEvent {
  action: AuditAction;
  outcome: 'ok' | 'failed';
  actorUserId: string | null;
  target?: { type: string; id: string };
  client: { ip: string | null; userAgent: string | null };
  /** Never a password, token or key: what happened, not the credentials it happened with. */
  details?: Record<string, unknown>;
}

/** Records security-relevant actions for admins to query (`GET /api/v1/admin/audit-log`). */
@Injectable()
export class AuditTrail {
  constructor(private readonly log: AuditLogRepository) {}

  record(event: AuditEvent): Promise<void> {
    return this.log.record({
      action: event.action,
      outcome: event.outcome,
      actorUserId: event.actorUserId,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      ip: event.client.ip,
      userAgent: event.client.userAgent,
      details: event.details ?? {},
    });
  }
}
