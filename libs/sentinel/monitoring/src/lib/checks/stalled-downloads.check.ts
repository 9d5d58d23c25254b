import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

/**
 * Downloads marked downloading whose bytes have not moved for `stalledAfterMs`: no peers, a
 * hunter wedged, a client that stopped reporting. One alert for all of them, naming a few.
 */
@Injectable()
export class StalledDownloadsCheck implements SentinelCheck {
  readonly category = 'downloads';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {}

  async run(): Promise<CheckOutcome[]> {
    let rows: Array<{ name: string; since: Date }>;
    try {
      rows = await this.dataSource.query(
        `SELECT name, COALESCE(last_progress_at, started_at, created_at) AS since FROM downloads
         WHERE status = 'downloading' AND COALESCE(last_progress_at, started_at, created_at) < now() - make_interval(secs => $1)
         ORDER BY since LIMIT 50`,
        [this.options.stalledAfterMs / 1000],
      );
    } catch {
      // Postgres down: the dependency check says so; whether downloads stall is unknown.
      return [outcome(this.category, 'stalled', { ok: undefined, severity: 'warning', title: 'Stalled downloads', detail: 'Postgres cannot be read.' })];
    }
    const minutes = Math.round(this.options.stalledAfterMs / 60_000);
    return [
      outcome(this.category, 'stalled', {
        ok: rows.length === 0,
        severity: 'warning',
        title: rows.length === 0 ? 'No download is stalled' : `${rows.length}${rows.length === 50 ? '+' : ''} download${rows.length === 1 ? ' is' : 's are'} stalled`,
        detail:
          rows.length === 0
            ? `Every active download moved in the last ${minutes} minutes.`
            : `No progress for ${minutes} minutes or more: ${rows
                .slice(0, 5)
                .map((r) => `"${r.name}"`)
                .join(', ')}${rows.length > 5 ? ', …' : ''}.`,
      }),
    ];
  }
}
