import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal, type Principal, RequireRole } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, ZodValidationPipe } from '@sokoul/gateway/http';
import { type RegistrationSettingsDto, registrationSettingsSchema } from './auth.dto';
import { AuthService } from './auth.service';

/** Installation-wide account settings, for admins. */
@Controller('admin/settings')
@RequireRole('admin')
export class SettingsController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'Account settings of the installation', response: registrationSettingsSchema })
  async get(): Promise<RegistrationSettingsDto> {
    return { registration: await this.auth.registrationMode() };
  }

  @Put()
  @ApiOperation({ summary: 'Change the account settings (registration open, invite or closed)', response: registrationSettingsSchema })
  async put(
    @Body(new ZodValidationPipe(registrationSettingsSchema)) body: RegistrationSettingsDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<RegistrationSettingsDto> {
    return { registration: await this.auth.setRegistrationMode(body.registration, principal.userId, clientInfo(request)) };
  }
}
