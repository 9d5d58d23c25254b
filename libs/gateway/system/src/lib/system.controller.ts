import { Controller, Get, Query } from '@nestjs/common';
import { RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, ZodValidationPipe } from '@sokoul/gateway/http';
import { type AlertPageDto, type ListAlertsDto, type SystemStatusDto, alertPageSchema, listAlertsSchema, systemStatusSchema } from './system.dto';
import { SystemService } from './system.service';

/** The platform's health as the sentinel sees it, for admins. */
@Controller('system')
@RequireRole('admin')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get('status')
  @ApiOperation({ summary: "The sentinel's latest checks and the open alerts: ok, degraded (a warning) or down (a critical alert)", response: systemStatusSchema })
  status(): Promise<SystemStatusDto> {
    return this.system.status();
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Alerts, newest first, a page at a time; `state=open` for the current ones', response: alertPageSchema })
  alerts(@Query(new ZodValidationPipe(listAlertsSchema)) query: ListAlertsDto): Promise<AlertPageDto> {
    return this.system.alertsPage(query);
  }
}
