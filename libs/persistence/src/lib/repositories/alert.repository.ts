import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AlertSeverity } from '@sokoul/contracts';
import { AlertEntity } from '../entities/alert.entity';
import { SystemCheckEntity } from '../entities/system-check.entity';

export interface CheckOutcome {
  key: string;
  ok: boolean;
  severity: AlertSeverity;
  title: string;
  detail: string;
}

export interface AlertPageCursor {
  raisedAt: Date;
  id: string;
}

/** Alerts and the latest check outcomes. Raising and resolving are conditional: of several sentinel replicas one wins. */
@Injectable()
export class AlertRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get alerts() {
    return this.dataSource.getRepository(AlertEntity);
  }

  /** The open alerts, oldest first. */
  open(): Promise<AlertEntity[]> {
    return this.alerts.createQueryBuilder('a').where('a.resolved_at IS NULL').orderBy('a.raised_at', 'ASC').getMany();
  }

  /** Raises an alert for `key` unless one is open: the new alert, or null when it already was. */
  async raise(alert: Omit<AlertEntity, 'resolvedAt'>): Promise<AlertEntity | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO alerts (id, key, severity, title, detail, raised_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
      [alert.id, alert.key, alert.severity, alert.title, alert.detail, alert.raisedAt],
    )) as Array<{ id: string }>;
    return rows.length === 1 ? { ...alert, resolvedAt: null } : null;
  }

  /** Resolves the open alert of `key`: the resolved alert, or null when none was open (or another replica was first). */
  async resolve(key: string, at: Date): Promise<AlertEntity | null> {
    const result = await this.alerts
      .createQueryBuilder()
      .update()
      .set({ resolvedAt: at })
      .where('key = :key AND resolved_at IS NULL', { key })
      .returning('*')
      .execute();
    const [row] = result.raw as Array<{ id: string; key: string; severity: AlertSeverity; title: string; detail: string; raised_at: Date; resolved_at: Date }>;
    return row ? { id: row.id, key: row.key, severity: row.severity, title: row.title, detail: row.detail, raisedAt: row.raised_at, resolvedAt: row.resolved_at } : null;
  }

  /** Newest first, keyset-paged; `state` filters open or resolved ones. */
  list(limit: number, state?: 'open' | 'resolved', after?: AlertPageCursor): Promise<AlertEntity[]> {
    const query = this.alerts.createQueryBuilder('a').orderBy('a.raised_at', 'DESC').addOrderBy('a.id', 'DESC').take(limit);
    if (state === 'open') query.andWhere('a.resolved_at IS NULL');
    if (state === 'resolved') query.andWhere('a.resolved_at IS NOT NULL');
    if (after) query.andWhere('(a.raised_at, a.id) < (:raisedAt, :id)', after);
    return query.getMany();
  }

  /** Records the latest outcome of every check, in one statement. */
  async recordChecks(outcomes: readonly CheckOutcome[], at: Date): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO system_checks (key, ok, severity, title, detail, checked_at)
       SELECT key, ok, severity, title, detail, $2 FROM jsonb_to_recordset($1::jsonb) AS c(key varchar, ok boolean, severity varchar, title varchar, detail varchar)
       ON CONFLICT (key) DO UPDATE SET ok = EXCLUDED.ok, severity = EXCLUDED.severity, title = EXCLUDED.title, detail = EXCLUDED.detail, checked_at = EXCLUDED.checked_at`,
      [JSON.stringify(outcomes.map((o) => ({ ...o, detail: o.detail.slice(0, 2000), title: o.title.slice(0, 300) }))), at],
    );
  }

  /** Forgets checks no longer made (an indexer deleted, a service retired) after `olderThan`. */
  async forgetChecksBefore(olderThan: Date): Promise<void> {
    await this.dataSource.getRepository(SystemCheckEntity).createQueryBuilder().delete().where('checked_at < :olderThan', { olderThan }).execute();
  }

  checks(): Promise<SystemCheckEntity[]> {
    return this.dataSource.getRepository(SystemCheckEntity).find({ order: { key: 'ASC' } });
  }
}
