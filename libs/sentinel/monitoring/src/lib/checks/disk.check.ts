import { statfs } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { gauge } from '@sokoul/observability';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const diskFree = gauge('sokoul_disk_free_bytes', 'Free bytes (for unprivileged users) on the file system of a watched folder', ['path']);
const diskSize = gauge('sokoul_disk_size_bytes', 'Size of the file system of a watched folder', ['path']);

const GIB = 1024 ** 3;

/**
 * Free space of the download and library folders: a warning under the threshold (bytes or
 * percent, whichever is reached first), critical under a fifth of it — downloads then fail.
 */
@Injectable()
export class DiskCheck implements SentinelCheck {
  readonly category = 'disk';

  constructor(@Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions) {}

  run(): Promise<CheckOutcome[]> {
    return Promise.all(this.options.diskPaths.map(({ name, path }) => this.check(name, path)));
  }

  private async check(name: string, path: string): Promise<CheckOutcome> {
    try {
      const stats = await statfs(path);
      const free = stats.bavail * stats.bsize;
      const size = stats.blocks * stats.bsize;
      diskFree.set({ path: name }, free);
      diskSize.set({ path: name }, size);
      const percent = size > 0 ? (free / size) * 100 : 100;
      const { diskMinFreeBytes: minBytes, diskMinFreePercent: minPercent } = this.options;
      const low = free < minBytes || percent < minPercent;
      const critical = free < minBytes / 5 || percent < minPercent / 5;
      return outcome(this.category, name, {
        ok: !low,
        severity: critical ? 'critical' : 'warning',
        title: low ? `Low disk space: ${name}` : `Disk space: ${name}`,
        detail: `${(free / GIB).toFixed(1)} GiB free of ${(size / GIB).toFixed(1)} GiB (${percent.toFixed(1)} %) in ${name}; the threshold is ${(minBytes / GIB).toFixed(1)} GiB or ${minPercent} %.`,
      });
    } catch (error) {
      return outcome(this.category, name, { ok: false, severity: 'critical', title: `The ${name} folder cannot be read`, detail: `${(error as NodeJS.ErrnoException).code ?? (error as Error).message} on the ${name} folder.` });
    }
  }
}
