import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AccessTokenService, AuditTrail } from '@sokoul/gateway/access';
import { ProblemException } from '@sokoul/gateway/http';
import {
  AppSettingRepository,
  DuplicateUserError,
  InviteRepository,
  type NewUser,
  RefreshTokenRepository,
  type UserEntity,
  UserRepository,
} from '@sokoul/persistence';
import { AUTH_OPTIONS, type AuthOptions, type RegistrationMode } from './auth.options';
import type { ClientInfo, LoginDto, RegisterDto, TokensDto, UserDto } from './auth.dto';
import { toUserDto } from './auth.dto';
import { hashInviteCode } from './invites.service';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

export const REGISTRATION_SETTING = 'registration';

const invalidCredentials = () =>
  new ProblemException(HttpStatus.UNAUTHORIZED, 'invalid-credentials', 'Invalid credentials', 'The login or the password is wrong.');

const invalidRefreshToken = (detail: string) =>
  new ProblemException(HttpStatus.UNAUTHORIZED, 'invalid-refresh-token', 'Invalid refresh token', detail);

/** Refresh tokens are 32 random bytes; only their SHA-256 is stored. */
function newRefreshToken(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashToken(value) };
}

function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly settings: AppSettingRepository,
    private readonly invites: InviteRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditTrail,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async registrationMode(): Promise<RegistrationMode> {
    return (await this.settings.get<RegistrationMode>(REGISTRATION_SETTING)) ?? this.options.defaultRegistration;
  }

  async setRegistrationMode(mode: RegistrationMode, actorUserId: string, client: ClientInfo): Promise<RegistrationMode> {
    await this.settings.set(REGISTRATION_SETTING, mode);
    await this.audit.record({ action: 'settings.changed', outcome: 'ok', actorUserId, client, details: { registration: mode } });
    return mode;
  }

  /**
   * The first account of an installation becomes admin and is always allowed. After that the
   * registration mode decides: `open` lets anyone in, `invite` needs an unspent invite code
   * (bound to an email when the admin said so), `closed` nobody.
   */
  async register(input: RegisterDto, client: ClientInfo): Promise<UserDto> {
    const mode = (await this.users.countActiveAdmins()) > 0 ? await this.registrationMode() : 'open';
    if (mode === 'closed') {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'registration-closed', 'Registration closed', 'An admin must open registration first.');
    }
    const inviteCode = mode === 'invite' ? input.inviteCode : undefined;
    if (mode === 'invite' && !inviteCode) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'invite-required', 'Invite required', 'Registration needs an invite code from an admin.');
    }
    const newUser = {
      id: randomUUID(),
      username: input.username,
      email: input.email.toLowerCase(),
      passwordHash: await this.hasher.hash(input.password),
    };
    try {
      const { user, inviteId }: { user: UserEntity; inviteId?: string } = inviteCode
        ? await this.redeemInvite(inviteCode, newUser)
        : { user: await this.users.createWithFirstAdmin(newUser) };
      await this.audit.record({
        action: 'user.registered',
        outcome: 'ok',
        actorUserId: user.id,
        target: { type: 'user', id: user.id },
        client,
        details: inviteId ? { role: user.role, invite: inviteId } : { role: user.role },
      });
      return toUserDto(user);
    } catch (error) {
      if (error instanceof DuplicateUserError) {
        throw new ProblemException(HttpStatus.CONFLICT, 'account-exists', 'Account exists', `That ${error.field} is already taken.`);
      }
      throw error;
    }
  }

  private async redeemInvite(code: string, user: NewUser): Promise<{ user: UserEntity; inviteId: string }> {
    const redeemed = await this.invites.redeem(hashInviteCode(code), user);
    if (!redeemed) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'invalid-invite', 'Invalid invite', 'This invite code is unknown, spent, revoked, expired or meant for another email.');
    }
    return redeemed;
  }

  /** Same answer, and about the same time, whether the account is unknown, disabled or the password wrong. */
  async login(input: LoginDto, client: ClientInfo): Promise<TokensDto> {
    await this.throttle.check(input.login, client.ip);
    const user = await this.users.findByLogin(input.login);
    const matches = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !matches || user.disabledAt) {
      await this.throttle.failed(input.login, client.ip);
      await this.audit.record({
        action: 'auth.login',
        outcome: 'failed',
        actorUserId: user?.id ?? null,
        client,
        details: { login: input.login.slice(0, 254), reason: !user ? 'unknown account' : user.disabledAt ? 'disabled' : 'wrong password' },
      });
      throw invalidCredentials();
    }
    await this.throttle.succeeded(input.login);
    await this.audit.record({ action: 'auth.login', outcome: 'ok', actorUserId: user.id, client });
    return this.issueTokens(user, randomUUID(), client);
  }

  /** Rotates the refresh token; presenting one already used revokes its whole family. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokensDto> {
    const next = newRefreshToken();
    const id = randomUUID();
    const result = await this.refreshTokens.rotate(hashToken(refreshToken), {
      id,
      tokenHash: next.hash,
      expiresAt: this.refreshExpiry(),
      ...client,
    });
    if (result.outcome === 'unknown') throw invalidRefreshToken('This refresh token is not known.');
    if (result.outcome === 'expired') throw invalidRefreshToken('This refresh token has expired; sign in again.');
    if (result.outcome === 'reused') {
      await this.audit.record({
        action: 'auth.refresh_reused',
        outcome: 'failed',
        actorUserId: result.userId,
        client,
        details: { family: result.familyId, effect: 'family revoked' },
      });
      throw invalidRefreshToken('This refresh token was already used: every session of this login has been signed out.');
    }
    const user = await this.users.findById(result.previous.userId);
    if (!user || user.disabledAt) {
      await this.refreshTokens.revokeAllOfUser(result.previous.userId);
      throw invalidRefreshToken('This account is disabled.');
    }
    return this.tokens(user, next.value);
  }

  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOf(hashToken(refreshToken));
  }

  private async issueTokens(user: UserEntity, familyId: string, client: ClientInfo): Promise<TokensDto> {
    const refresh = newRefreshToken();
    await this.refreshTokens.issue({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: this.refreshExpiry(),
      ...client,
    });
    return this.tokens(user, refresh.value);
  }

  private async tokens(user: UserEntity, refreshToken: string): Promise<TokensDto> {
    return {
      tokenType: 'Bearer',
      accessToken: await this.accessTokens.sign(user.id, user.role),
      expiresIn: this.accessTokens.ttlSeconds,
      refreshToken,
      refreshExpiresIn: this.options.refreshTokenTtlSeconds,
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.options.refreshTokenTtlSeconds * 1000);
  }
}
