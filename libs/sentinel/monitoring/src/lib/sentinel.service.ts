import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { histogram, withTimeout } from '@sokoul/observability';
import { AlertEngine, type CheckRun } from './alert-engine.service';
import { SENTINEL_CHECKS, type SentinelCheck } from './checks/check';
import { MONITORING_OPTIONS, type MonitoringOptions } from './monitoring.options';

const checkDuration = histogram('sokoul_sentinel_check_duration_seconds', 'Time one of the sentinel checks took', ['check']);

/**
 * Runs every check each `intervalMs`, all at once, each bounded by the interval (a check that
 * hangs reports nothing that round instead of holding the others back), then hands the
 * outcomes to the alert engine. One round at a time.
 */
@Injectable()
export class SentinelService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SentinelService.name);
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(
    @Inject(SENTINEL_CHECKS) private readonly checks: SentinelCheck[],
    private readonly engine: AlertEngine,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runRound(), this.options.intervalMs);
    void this.runRound();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** One round (or the one already running). */
  runRound(): Promise<void> {
    this.round ??= this.check()
      .catch((error: Error) => this.logger.error(`sentinel round failed: ${error.message}`))
      .finally(() => (this.round = undefined));
    return this.round;
  }

  private async check(): Promise<void> {
    const runs = await Promise.all(this.checks.map((check) => this.runCheck(check)));
    await this.engine.evaluate(runs.filter((run): run is CheckRun => run !== undefined));
  }

  private async runCheck(check: SentinelCheck): Promise<CheckRun | undefined> {
    const started = process.hrtime.bigint();
    try {
      const outcomes = await withTimeout(check.run(), this.options.intervalMs);
      return { category: check.category, outcomes };
    } catch (error) {
      this.logger.warn(`check ${check.category} gave no answer this round: ${(error as Error).message}`);
      return undefined;
    } finally {
      checkDuration.observe({ check: check.category }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
