import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator, AuditTrail } from '@sokoul/gateway/access';
import { ProblemException } from '@sokoul/gateway/http';
import { RefreshTokenRepository, UserRepository } from '@sokoul/persistence';
import { type ClientInfo, type UpdateUserDto, type UserDto, toUserDto } from './auth.dto';

const userNotFound = (id: string) => new ProblemException(HttpStatus.NOT_FOUND, 'user-not-found', 'User not found', `No user has id ${id}.`);

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly audit: AuditTrail,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return toUserDto(user);
  }

  async list(limit: number, cursor?: string): Promise<{ items: UserDto[]; nextCursor: string | null }> {
    const page = await this.users.list(limit + 1, cursor);
    const items = page.slice(0, limit).map(toUserDto);
    return { items, nextCursor: page.length > limit ? items[items.length - 1].id : null };
  }

  /**
   * Role and disabled flag, by an admin. The last active admin cannot be demoted or disabled
   * (the installation would lose its administrator); disabling signs the user out everywhere.
   */
  async update(id: string, changes: UpdateUserDto, actorUserId: string, client: ClientInfo): Promise<UserDto> {
    const before = await this.users.findById(id);
    const updated = await this.users.updateKeepingAnAdmin(id, changes);
    if (updated === null) throw userNotFound(id);
    if (updated === 'last-admin') {
      throw new ProblemException(HttpStatus.CONFLICT, 'last-admin', 'Last admin', 'Promote another admin first.');
    }
    // The user's API keys act with the new role, or not at all, from their next request on.
    this.apiKeys.forgetKeysOf(id);
    if (changes.disabled) await this.refreshTokens.revokeAllOfUser(id);
    const target = { type: 'user', id };
    if (before && changes.role && changes.role !== before.role) {
      await this.audit.record({ action: 'user.role_changed', outcome: 'ok', actorUserId, target, client, details: { from: before.role, to: changes.role } });
    }
    if (before && changes.disabled !== undefined && changes.disabled !== (before.disabledAt !== null)) {
      await this.audit.record({ action: changes.disabled ? 'user.disabled' : 'user.enabled', outcome: 'ok', actorUserId, target, client });
    }
    return toUserDto(updated);
  }
}
