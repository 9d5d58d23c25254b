import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { counter } from '@sokoul/observability';
import { PostgresListener, SEARCH_CHANGED_CHANNEL, type SearchEntity, SearchRepository } from '@sokoul/persistence';

/** Searches held at most; the oldest goes first. Clients poll the searches they just made: a few hundred at a time is a busy server. */
const CAPACITY = 5_000;
/** A copy is read again after this long even if no change was heard (a bound on any notification never delivered). */
const MAX_AGE_MS = 60_000;

const reads = counter('sokoul_gateway_search_reads_total', 'Searches read by id for API clients, by where the row came from', ['source']);

interface Entry {
  search: SearchEntity;
  storedAt: number;
}

/**
 * The searches clients poll, kept in memory until Postgres says they changed. Every update
 * or delete of a search row is announced when it commits (migration
 * SearchChangeNotifications), and this copy is dropped when the announcement arrives; while
 * nothing is heard (not connected yet, connection lost) every read goes to Postgres. So a
 * read never returns what a committed change replaced once the change was announced, and each
 * gateway replica keeps its own copies. A polled search costs no query until the scout moves it on.
 */
@Injectable()
export class SearchReadCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every change heard and every gap: a read that overlapped one is not kept. */
  private generation = 0;
  private readonly listener: PostgresListener;
  private readonly schemaPrefix: string;
  private readonly fromMemory = reads.labels('memory');
  private readonly fromDatabase = reads.labels('database');

  constructor(
    private readonly searches: SearchRepository,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.schemaPrefix = `${(dataSource.options as { schema?: string }).schema ?? 'public'}:`;
    this.listener = PostgresListener.forDataSource(dataSource, {
      channel: SEARCH_CHANGED_CHANNEL,
      onNotification: (payload) => this.changed(payload),
      onGap: () => this.forgetAll(),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  async findById(id: string): Promise<SearchEntity | null> {
    const entry = this.entries.get(id);
    if (entry && Date.now() - entry.storedAt < MAX_AGE_MS) {
      this.fromMemory.inc();
      return entry.search;
    }
    const generation = this.generation;
    const search = await this.searches.findById(id);
    this.fromDatabase.inc();
    if (search && this.listener.listening && generation === this.generation) this.keep(id, search);
    return search;
  }

  private keep(id: string, search: SearchEntity): void {
    this.entries.delete(id);
    if (this.entries.size >= CAPACITY) this.entries.delete(this.entries.keys().next().value as string);
    // Shared by every request that reads it until it changes.
    this.entries.set(id, { search: Object.freeze(search), storedAt: Date.now() });
  }

  private changed(payload: string): void {
    if (!payload.startsWith(this.schemaPrefix)) return;
    this.generation++;
    this.entries.delete(payload.slice(this.schemaPrefix.length));
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }
}
