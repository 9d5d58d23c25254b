import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';

export interface NewRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export type RotationResult =
  | { outcome: 'rotated'; previous: RefreshTokenEntity }
  | { outcome: 'unknown' }
  | { outcome: 'expired' }
  /** The token had been used (or revoked) before: its whole family is now revoked. */
  | { outcome: 'reused'; familyId: string; userId: string };

@Injectable()
export class RefreshTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(token: NewRefreshToken): Promise<void> {
    await this.dataSource.getRepository(RefreshTokenEntity).insert({ ...token, revokedAt: null, replacedBy: null });
  }

  /**
   * Spends the token with hash `tokenHash` and stores its successor, in one transaction. The
   * spend is a conditional update, so two concurrent refreshes with one token cannot both
   * succeed: the loser is treated as reuse.
   */
  async rotate(tokenHash: string, successor: Omit<NewRefreshToken, 'userId' | 'familyId'>): Promise<RotationResult> {
    return this.dataSource.transaction(async (tx) => {
      const tokens = tx.getRepository(RefreshTokenEntity);
      const current = await tokens.findOneBy({ tokenHash });
      if (!current) return { outcome: 'unknown' } as const;
      if (current.revokedAt) {
        await tokens.update({ familyId: current.familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
        return { outcome: 'reused', familyId: current.familyId, userId: current.userId } as const;
      }
      if (current.expiresAt.getTime() <= Date.now()) return { outcome: 'expired' } as const;
      const spent = await tokens.update({ id: current.id, revokedAt: IsNull() }, { revokedAt: () => 'now()', replacedBy: successor.id });
      if (!spent.affected) {
        await tokens.update({ familyId: current.familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
        return { outcome: 'reused', familyId: current.familyId, userId: current.userId } as const;
      }
      await tokens.insert({ ...successor, userId: current.userId, familyId: current.familyId, revokedAt: null, replacedBy: null });
      return { outcome: 'rotated', previous: current } as const;
    });
  }

  /** Revokes the family of the token with this hash (logout); false if no such token. */
  async revokeFamilyOf(tokenHash: string): Promise<boolean> {
    const tokens = this.dataSource.getRepository(RefreshTokenEntity);
    const token = await tokens.findOneBy({ tokenHash });
    if (!token) return false;
    await tokens.update({ familyId: token.familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return true;
  }

  /** Signs a user out everywhere (disabled account, password change). */
  async revokeAllOfUser(userId: string): Promise<void> {
    await this.dataSource.getRepository(RefreshTokenEntity).update({ userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  countActiveInFamily(familyId: string): Promise<number> {
    return this.dataSource.getRepository(RefreshTokenEntity).countBy({ familyId, revokedAt: IsNull() });
  }
}
