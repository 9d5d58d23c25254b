import { z } from 'zod';

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Event: the sentinel raised an alert, or resolved one (the gateway pushes both to admins). */
export const systemAlertSchema = z.strictObject({
  alertId: z.uuid(),
  /** What it is about, stable across raise and resolve: `dependency:redis`, `disk:library`, `lag:<consumer>`. */
  key: z.string().min(1).max(300),
  state: z.enum(['raised', 'resolved']),
  severity: z.enum(ALERT_SEVERITIES),
  title: z.string().min(1).max(300),
  detail: z.string().max(2000),
  raisedAt: z.iso.datetime({ offset: true }),
  resolvedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SystemAlert = z.infer<typeof systemAlertSchema>;

/**
 * Core NATS (not JetStream: nothing to keep), published by every service process every few
 * seconds on `HEARTBEAT_SUBJECT`; a service with no live instance is down.
 */
export const HEARTBEAT_SUBJECT = 'sokoul.heartbeat';

export const heartbeatSchema = z.strictObject({
  service: z.string().min(1).max(50),
  instanceId: z.string().min(1).max(200),
  startedAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }),
  /** How often this instance beats: a receiver allows a few missed beats. */
  intervalMs: z.number().int().positive(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;
