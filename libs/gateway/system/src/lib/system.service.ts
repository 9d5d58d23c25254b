import { Inject, Injectable } from '@nestjs/common';
import { ValidationProblem, decodeCursor, encodeCursor } from '@sokoul/gateway/http';
import { AlertRepository } from '@sokoul/persistence';
import { type AlertPageDto, type ListAlertsDto, type SystemStatusDto, toAlertDto, toCheckDto } from './system.dto';

export const SYSTEM_OPTIONS = Symbol('SYSTEM_OPTIONS');

export interface SystemOptions {
  /** The sentinel's interval: its results older than three of them are stale. */
  sentinelIntervalMs: number;
}

/** What the sentinel stored: its checks' latest outcomes and the alerts. */
@Injectable()
export class SystemService {
  constructor(
    private readonly alerts: AlertRepository,
    @Inject(SYSTEM_OPTIONS) private readonly options: SystemOptions,
  ) {}

  async status(): Promise<SystemStatusDto> {
    const [checks, open] = await Promise.all([this.alerts.checks(), this.alerts.open()]);
    const checkedAt = checks.reduce<Date | null>((latest, c) => (latest === null || c.checkedAt > latest ? c.checkedAt : latest), null);
    const status = open.some((a) => a.severity === 'critical') ? 'down' : open.length > 0 ? 'degraded' : 'ok';
    return {
      status,
      checkedAt: checkedAt?.toISOString() ?? null,
      stale: checkedAt === null || Date.now() - checkedAt.getTime() > 3 * this.options.sentinelIntervalMs,
      checks: checks.map(toCheckDto),
      openAlerts: open.map(toAlertDto),
    };
  }

  async alertsPage(query: ListAlertsDto): Promise<AlertPageDto> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    const rows = await this.alerts.list(query.limit + 1, query.state, after && { raisedAt: after.createdAt, id: after.id });
    const items = rows.slice(0, query.limit).map(toAlertDto);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit ? encodeCursor({ createdAt: last.raisedAt, id: last.id }) : null };
  }
}
