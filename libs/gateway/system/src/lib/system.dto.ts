import { z } from 'zod';
import type { AlertEntity, SystemCheckEntity } from '@sokoul/persistence';

const severity = z.enum(['critical', 'warning', 'info']);

export const listAlertsSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  state: z.enum(['open', 'resolved']).optional().describe('only open or only resolved alerts; both when absent'),
});
export type ListAlertsDto = z.infer<typeof listAlertsSchema>;

export const alertSchema = z.object({
  id: z.uuid(),
  key: z.string().describe('what it is about, stable: `dependency:redis`, `service:scout`, `disk:library`, `jetstream:lag:<consumer>`'),
  severity,
  title: z.string(),
  detail: z.string(),
  raisedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable().describe('null while it is open'),
});
export type AlertDto = z.infer<typeof alertSchema>;

export const alertPageSchema = z.object({
  items: z.array(alertSchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type AlertPageDto = z.infer<typeof alertPageSchema>;

export const systemStatusSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']).describe('down: a critical alert is open; degraded: a warning is; ok otherwise'),
  checkedAt: z.iso.datetime().nullable().describe("the sentinel's last round; null when it never ran (or its results are not stored)"),
  stale: z.boolean().describe("the sentinel's last round is older than three of its intervals: it may be down"),
  checks: z.array(
    z.object({
      key: z.string(),
      ok: z.boolean(),
      severity,
      title: z.string(),
      detail: z.string(),
      checkedAt: z.iso.datetime(),
    }),
  ),
  openAlerts: z.array(alertSchema),
});
export type SystemStatusDto = z.infer<typeof systemStatusSchema>;

export function toAlertDto(alert: AlertEntity): AlertDto {
  return {
    id: alert.id,
    key: alert.key,
    severity: alert.severity,
    title: alert.title,
    detail: alert.detail,
    raisedAt: alert.raisedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

export function toCheckDto(check: SystemCheckEntity): SystemStatusDto['checks'][number] {
  return { key: check.key, ok: check.ok, severity: check.severity, title: check.title, detail: check.detail, checkedAt: check.checkedAt.toISOString() };
}
