import { Body, Controller, Get, Put } from '@nestjs/common';
import { RequireRole } from '@sokoul/gateway/access';
import { ZodValidationPipe } from '@sokoul/gateway/http';
import { type RegistrationSettingsDto, registrationSettingsSchema } from './auth.dto';
import { AuthService } from './auth.service';

/** Installation-wide account settings, for admins. */
@Controller('admin/settings')
@RequireRole('admin')
export class SettingsController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  async get(): Promise<RegistrationSettingsDto> {
    return { registration: await this.auth.registrationMode() };
  }

  @Put()
  async put(@Body(new ZodValidationPipe(registrationSettingsSchema)) body: RegistrationSettingsDto): Promise<RegistrationSettingsDto> {
    return { registration: await this.auth.setRegistrationMode(body.registration) };
  }
}
