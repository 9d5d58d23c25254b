import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotifiedCache, SEARCH_CHANGED_CHANNEL, type SearchEntity, SearchRepository } from '@sokoul/persistence';

/**
 * The searches clients poll, kept in memory until Postgres announces that they changed (each
 * update or delete of a search row is announced when it commits: migration
 * SearchChangeNotifications). A polled search costs no query until a scout moves it on.
 */
@Injectable()
export class SearchReadCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: NotifiedCache<SearchEntity>;

  constructor(
    private readonly searches: SearchRepository,
    @InjectDataSource() dataSource: DataSource,
  ) {
    // Clients poll the searches they just made: a few hundred at a time is a busy server.
    this.cache = new NotifiedCache(dataSource, { name: 'searches', channel: SEARCH_CHANGED_CHANNEL, capacity: 5_000, maxAgeMs: 60_000 });
  }

  async onModuleInit(): Promise<void> {
    await this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  findById(id: string): Promise<SearchEntity | null> {
    // Frozen: every request that reads it until it changes shares it.
    const read = async () => {
      const search = await this.searches.findById(id);
      return search && Object.freeze(search);
    };
    return this.cache.get(id, read, (search) => search.id);
  }
}
