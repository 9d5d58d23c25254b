import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../with-timeout';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

const CHECK_TIMEOUT_MS = 3_000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** The process answers: nothing else is checked, so a slow database never restarts a pod. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Every dependency this service uses answers within a bound time; 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks.map((c) => () => this.run(c)));
  }

  private async run(readiness: ReadinessCheck) {
    const indicator = this.indicators.check(readiness.name);
    try {
      await withTimeout(readiness.check(), CHECK_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
