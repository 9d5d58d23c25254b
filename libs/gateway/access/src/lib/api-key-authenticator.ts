import { Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ACCESS_CHANGED_CHANNEL, ApiKeyRepository, type AuthenticatedApiKey, NotifiedCache } from '@sokoul/persistence';
import { hashApiKey } from './api-key';
import type { Principal } from './principal';

const API_KEY_SHAPE = /^sk_[A-Za-z0-9_-]{43}$/;

/**
 * Who an `X-Api-Key` acts for. What Postgres answers for a key is kept in memory until a change
 * to the key or its owner is announced (migration AccessChangeNotifications: revoked, scopes,
 * owner disabled, role changed), and for a minute at most, so `last_used_at` is still
 * recorded about once a minute. Each gateway replica drops a revoked key when the
 * announcement arrives, at the revocation's commit; the replica that revoked it, before
 * answering (`forgetKeysOf`). Unknown keys are never kept: each costs a query, like before.
 * Without persistence (some test apps) no key is accepted.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnModuleDestroy {
  private readonly cache?: NotifiedCache<AuthenticatedApiKey>;

  constructor(
    @Optional() private readonly apiKeys?: ApiKeyRepository,
    @Optional() @InjectDataSource() dataSource?: DataSource,
  ) {
    // Keyed by the key's hash: a heap snapshot holds no usable key.
    if (apiKeys && dataSource) this.cache = new NotifiedCache(dataSource, { name: 'api-keys', channel: ACCESS_CHANGED_CHANNEL, capacity: 10_000, maxAgeMs: 60_000 });
  }

  async onModuleInit(): Promise<void> {
    await this.cache?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache?.stop();
  }

  async authenticate(value: string): Promise<Principal | undefined> {
    const { apiKeys, cache } = this;
    if (!apiKeys || !cache || !API_KEY_SHAPE.test(value)) return undefined;
    const hash = hashApiKey(value);
    const found = await cache.get(hash, () => apiKeys.authenticate(hash), (key) => key.userId);
    return found && { userId: found.userId, role: found.role, scopes: found.scopes };
  }

  /** After this replica changed a user's keys or the user: their next request is checked against Postgres. */
  forgetKeysOf(userId: string): void {
    this.cache?.forgetTag(userId);
  }
}
