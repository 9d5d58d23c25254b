import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@sokoul/gateway/access';
import { ApiOperation, clientInfo, ZodValidationPipe } from '@sokoul/gateway/http';
import {
  type LoginDto,
  type RefreshTokenDto,
  type RegisterDto,
  type TokensDto,
  type UserDto,
  loginSchema,
  refreshTokenSchema,
  registerSchema,
  tokensSchema,
  userSchema,
} from './auth.dto';
import { AuthService } from './auth.service';

@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({
    summary: 'Create an account (the first one becomes admin)',
    description: 'Open, invite-only (`inviteCode`) or closed, as an admin set it. 403 when closed or the invite is not valid, 409 when the username or email is taken.',
    response: userSchema,
    errors: [403, 409],
  })
  register(@Body(new ZodValidationPipe(registerSchema)) body: RegisterDto, @Req() request: Request): Promise<UserDto> {
    return this.auth.register(body, clientInfo(request));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in by username or email: an access token and a refresh token', response: tokensSchema, errors: [401] })
  login(@Body(new ZodValidationPipe(loginSchema)) body: LoginDto, @Req() request: Request): Promise<TokensDto> {
    return this.auth.login(body, clientInfo(request));
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Trade a refresh token for a new pair (reusing a spent one signs the login out)', response: tokensSchema, errors: [401] })
  refresh(@Body(new ZodValidationPipe(refreshTokenSchema)) body: RefreshTokenDto, @Req() request: Request): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken, clientInfo(request));
  }

  /** Signs out this login (the refresh token's family); answers 204 whether or not it was known. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out this login (its refresh-token family)' })
  logout(@Body(new ZodValidationPipe(refreshTokenSchema)) body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }
}
