import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity, type ApiKeyScope } from '../entities/api-key.entity';
import { UserEntity } from '../entities/user.entity';

export interface NewApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: ApiKeyScope[];
}

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async create(key: NewApiKey): Promise<ApiKeyEntity> {
    return this.repo.save(this.repo.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  listActiveOfUser(userId: string): Promise<ApiKeyEntity[]> {
    return this.repo.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** Revokes a key of this user; false if the user has no such active key. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const result = await this.repo.update({ id, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  /** The active key with this hash and its owner, if the owner may still sign in; records the use. */
  async authenticate(keyHash: string): Promise<{ key: ApiKeyEntity; user: UserEntity } | undefined> {
    const key = await this.repo.findOneBy({ keyHash, revokedAt: IsNull() });
    if (!key) return undefined;
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: key.userId });
    if (!user || user.disabledAt) return undefined;
    // Coarse on purpose: at most one write a minute per key, not one per request.
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval \'1 minute\')', { id: key.id })
      .execute();
    return { key, user };
  }
}
