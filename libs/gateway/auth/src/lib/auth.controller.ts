import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@sokoul/gateway/access';
import { ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type LoginDto,
  type RefreshTokenDto,
  type RegisterDto,
  type TokensDto,
  type UserDto,
  loginSchema,
  refreshTokenSchema,
  registerSchema,
} from './auth.dto';
import { AuthService } from './auth.service';
import { clientInfo } from './client-info';

@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  register(@Body(new ZodValidationPipe(registerSchema)) body: RegisterDto, @Req() request: Request): Promise<UserDto> {
    return this.auth.register(body, clientInfo(request));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  login(@Body(new ZodValidationPipe(loginSchema)) body: LoginDto, @Req() request: Request): Promise<TokensDto> {
    return this.auth.login(body, clientInfo(request));
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  refresh(@Body(new ZodValidationPipe(refreshTokenSchema)) body: RefreshTokenDto, @Req() request: Request): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken, clientInfo(request));
  }

  /** Signs out this login (the refresh token's family); answers 204 whether or not it was known. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@Body(new ZodValidationPipe(refreshTokenSchema)) body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }
}
