import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity, type ApiKeyScope } from '../entities/api-key.entity';
import type { UserRole } from '../entities/user.entity';
import { type PreparedStatement, queryPrepared } from './prepared-statement';

export interface NewApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: ApiKeyScope[];
}

/** An active key whose owner may sign in: what it may do, and for whom. */
export interface AuthenticatedApiKey {
  keyId: string;
  userId: string;
  /** The owner's current role (a key never carries a role of its own). */
  role: UserRole;
  scopes: ApiKeyScope[];
}

/** Where each committed change to an API key or a user is announced, payload `<schema>:<user id>` (migration AccessChangeNotifications). */
export const ACCESS_CHANGED_CHANNEL = 'sokoul_access_changed';

/** Every request with an `X-Api-Key` runs this: one statement, key and owner together. */
const AUTHENTICATE: PreparedStatement = {
  name: 'sokoul_api_key_authenticate',
  text: `SELECT k.id, k.user_id, k.scopes, u.role,
    (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') AS use_unrecorded
    FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL`,
};

/** Coarse on purpose: at most one write a minute per key, even when requests race to record it. */
const RECORD_USE: PreparedStatement = {
  name: 'sokoul_api_key_record_use',
  text: `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
};

interface AuthenticateRow {
  id: string;
  user_id: string;
  scopes: ApiKeyScope[];
  role: UserRole;
  use_unrecorded: boolean;
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

  /**
   * The active key with this hash, if its owner may still sign in; records the use.
   * `last_used_at` is written only when the row just read says it is more than a minute old: a
   * second statement once a minute per key, none otherwise. The gateway keeps what this answers
   * until a change to the key or its owner is announced (`ApiKeyAuthenticator`).
   */
  async authenticate(keyHash: string): Promise<AuthenticatedApiKey | undefined> {
    const [row] = await queryPrepared<AuthenticateRow>(this.dataSource, AUTHENTICATE, [keyHash]);
    if (!row) return undefined;
    if (row.use_unrecorded) await queryPrepared(this.dataSource, RECORD_USE, [row.id]);
    return { keyId: row.id, userId: row.user_id, role: row.role, scopes: row.scopes };
  }
}
