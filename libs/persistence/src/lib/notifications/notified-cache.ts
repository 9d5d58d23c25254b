import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { counter } from '@sokoul/observability';
import { PostgresListener } from './postgres-listener';

const reads = counter(
  'sokoul_cache_reads_total',
  'Reads through the in-memory caches of Postgres rows, by cache and where the value came from (memory; database; joined: a read of it already under way)',
  ['cache', 'source'],
);

export interface NotifiedCacheOptions {
  /** The `cache` label of its metrics. */
  name: string;
  /** Where changes are announced, payload `<schema>:<tag>` (see the migrations that create the triggers). */
  channel: string;
  /** Entries held at most; the oldest goes first. */
  capacity: number;
  /** An entry is read again after this long even if no change was heard: a bound on a notification never delivered. */
  maxAgeMs: number;
}

interface Entry<V> {
  value: V;
  tag: string;
  storedAt: number;
}

/**
 * Rows read from Postgres, kept in memory until Postgres announces that they changed. Triggers
 * announce each committed change on a channel with the changed thing's tag (a search's id, a
 * key owner's id); every entry read under that tag is dropped when the announcement arrives.
 * While nothing can be heard (not connected yet, connection lost) every read goes to Postgres,
 * and nothing read before a gap is served after it. A read that overlapped a change or a gap
 * is returned but not kept: it may predate the change. So a value is never served once the
 * change that replaced it has reached this process, and each replica keeps its own copies.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Keys read under each tag, for tags that are not the key itself. */
  private readonly keysByTag = new Map<string, Set<string>>();
  /** Reads under way, shared by every request for the same key meanwhile (a hundred clients polling one search miss together). */
  private readonly loading = new Map<string, Promise<V | null | undefined>>();
  /** Bumped by every change heard and every gap. */
  private generation = 0;
  private readonly listener: PostgresListener;
  private readonly schemaPrefix: string;
  private readonly fromMemory: Counter.Internal;
  private readonly fromDatabase: Counter.Internal;
  private readonly joined: Counter.Internal;

  constructor(
    dataSource: DataSource,
    private readonly options: NotifiedCacheOptions,
  ) {
    this.schemaPrefix = `${(dataSource.options as { schema?: string }).schema ?? 'public'}:`;
    this.fromMemory = reads.labels(options.name, 'memory');
    this.fromDatabase = reads.labels(options.name, 'database');
    this.joined = reads.labels(options.name, 'joined');
    this.listener = PostgresListener.forDataSource(dataSource, {
      channel: options.channel,
      onNotification: (payload) => this.changed(payload),
      onGap: () => this.forgetAll(),
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  /**
   * The kept value of `key`, or what `load` reads, kept under the tag `tagOf(value)`. Nothing
   * is kept for "not found" (null or undefined): it may be created any moment, unannounced.
   */
  async get<T extends V | null | undefined>(key: string, load: () => Promise<T>, tagOf: (value: V) => string): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.storedAt < this.options.maxAgeMs) {
      this.fromMemory.inc();
      return entry.value as T;
    }
    const pending = this.loading.get(key);
    if (pending) {
      this.joined.inc();
      return pending as Promise<T>;
    }
    const reading: Promise<T> = this.read(key, load, tagOf).finally(() => {
      if (this.loading.get(key) === reading) this.loading.delete(key);
    });
    this.loading.set(key, reading);
    return reading;
  }

  private async read<T extends V | null | undefined>(key: string, load: () => Promise<T>, tagOf: (value: V) => string): Promise<T> {
    const generation = this.generation;
    const value = await load();
    this.fromDatabase.inc();
    if (value && this.listener.listening && generation === this.generation) this.keep(key, value, tagOf(value));
    return value;
  }

  private keep(key: string, value: V, tag: string): void {
    this.forget(key);
    if (this.entries.size >= this.options.capacity) this.forget(this.entries.keys().next().value as string);
    this.entries.set(key, { value, tag, storedAt: Date.now() });
    if (tag !== key) {
      const keys = this.keysByTag.get(tag) ?? new Set<string>();
      this.keysByTag.set(tag, keys.add(key));
    }
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.keysByTag.get(entry.tag);
    if (keys?.delete(key) && keys.size === 0) this.keysByTag.delete(entry.tag);
  }

  /**
   * Drops what was read under `tag` now, without waiting for the announcement: for the
   * process that made the change, so its own next read cannot precede the announcement.
   */
  forgetTag(tag: string): void {
    this.generation++;
    // A read under way may predate the change: later requests start their own.
    this.loading.clear();
    this.forget(tag);
    for (const key of this.keysByTag.get(tag) ?? []) this.forget(key);
  }

  private changed(payload: string): void {
    if (payload.startsWith(this.schemaPrefix)) this.forgetTag(payload.slice(this.schemaPrefix.length));
  }

  private forgetAll(): void {
    this.generation++;
    this.loading.clear();
    this.entries.clear();
    this.keysByTag.clear();
  }
}
