import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull, MoreThan } from 'typeorm';
import { UserEntity, type UserRole } from '../entities/user.entity';

export interface NewUser {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
}

export class DuplicateUserError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} is already taken`);
    this.name = 'DuplicateUserError';
  }
}

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(UserEntity);
  }

  /**
   * Creates the user; the very first account of the installation becomes admin. The users
   * table is locked against concurrent inserts for the count, so two simultaneous first
   * registrations cannot both become admin.
   */
  async createWithFirstAdmin(user: NewUser): Promise<UserEntity> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        await tx.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
        const existing = await tx.getRepository(UserEntity).count();
        const role: UserRole = existing === 0 ? 'admin' : 'user';
        return tx.getRepository(UserEntity).save(tx.getRepository(UserEntity).create({ ...user, role, disabledAt: null }));
      });
    } catch (error) {
      const constraint = (error as { constraint?: string }).constraint;
      if (constraint === 'uq_users_username') throw new DuplicateUserError('username');
      if (constraint === 'uq_users_email') throw new DuplicateUserError('email');
      throw error;
    }
  }

  /** By username or email, case-insensitively. */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.repo
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:login) OR lower(u.email) = lower(:login)', { login })
      .getOne();
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** Users ordered by id, after `cursor` (exclusive). */
  list(limit: number, cursor?: string): Promise<UserEntity[]> {
    return this.repo.find({ where: cursor ? { id: MoreThan(cursor) } : {}, order: { id: 'ASC' }, take: limit });
  }

  /**
   * Changes role and disabled flag, unless the change would leave no active admin: then
   * nothing changes and 'last-admin' is returned. The table is locked for the count, so two
   * admins demoting each other at once cannot both succeed.
   */
  async updateKeepingAnAdmin(
    id: string,
    changes: { role?: UserRole; disabled?: boolean },
  ): Promise<UserEntity | 'last-admin' | null> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      const users = tx.getRepository(UserEntity);
      const user = await users.findOneBy({ id });
      if (!user) return null;
      const losesAdmin = user.role === 'admin' && !user.disabledAt && (changes.role === 'user' || changes.disabled === true);
      if (losesAdmin && (await users.count({ where: { role: 'admin', disabledAt: IsNull() } })) <= 1) return 'last-admin';
      if (changes.role) user.role = changes.role;
      if (changes.disabled !== undefined) user.disabledAt = changes.disabled ? (user.disabledAt ?? new Date()) : null;
      return users.save(user);
    });
  }

  /** Admins who can still sign in: the last one may not be demoted or disabled. */
  countActiveAdmins(): Promise<number> {
    return this.repo.count({ where: { role: 'admin', disabledAt: IsNull() } });
  }
}
