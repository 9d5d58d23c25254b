import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InviteEntity } from '../entities/invite.entity';
import { UserEntity } from '../entities/user.entity';
import { DuplicateUserError, type NewUser } from './user.repository';

export interface NewInvite {
  id: string;
  codeHash: string;
  email: string | null;
  createdBy: string;
  expiresAt: Date;
}

@Injectable()
export class InviteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(InviteEntity);
  }

  create(invite: NewInvite): Promise<InviteEntity> {
    return this.repo.save(this.repo.create({ ...invite, usedAt: null, usedBy: null, revokedAt: null }));
  }

  /** Newest first, `limit` at a time, after the invite with id `before` (exclusive). */
  async list(limit: number, before?: string): Promise<InviteEntity[]> {
    const query = this.repo.createQueryBuilder('i').orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC').take(limit);
    if (before) {
      query.where('(i.created_at, i.id) < (SELECT created_at, id FROM invites WHERE id = :before)', { before });
    }
    return query.getMany();
  }

  /** Revokes a pending invite; false when there is none with this id (unknown, used, revoked or expired). */
  async revoke(id: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Creates a user with the role `user` by spending the invite with this code hash, in one
   * transaction: the invite row is locked, so one code makes one account however many
   * registrations race for it. Undefined when the invite is unknown, spent, revoked, expired,
   * or bound to another email.
   */
  async redeem(codeHash: string, user: NewUser): Promise<{ user: UserEntity; inviteId: string } | undefined> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const invite = await tx
          .getRepository(InviteEntity)
          .createQueryBuilder('i')
          .setLock('pessimistic_write')
          .where('i.code_hash = :codeHash AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()', { codeHash })
          .getOne();
        if (!invite || (invite.email !== null && invite.email !== user.email)) return undefined;
        const users = tx.getRepository(UserEntity);
        const created = await users.save(users.create({ ...user, role: 'user', disabledAt: null }));
        await tx.getRepository(InviteEntity).update({ id: invite.id }, { usedAt: () => 'now()', usedBy: created.id });
        return { user: created, inviteId: invite.id };
      });
    } catch (error) {
      const constraint = (error as { constraint?: string }).constraint;
      if (constraint === 'uq_users_username') throw new DuplicateUserError('username');
      if (constraint === 'uq_users_email') throw new DuplicateUserError('email');
      throw error;
    }
  }
}
