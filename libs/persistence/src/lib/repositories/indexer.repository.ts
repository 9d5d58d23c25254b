import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type IndexerCapabilities, IndexerEntity } from '../entities/indexer.entity';

export interface NewIndexer {
  id: string;
  name: string;
  url: string;
  apiKeyEncrypted: string;
  categories: number[];
  priority: number;
  enabled: boolean;
}

export type IndexerChanges = Partial<Omit<NewIndexer, 'id'>>;

export class DuplicateIndexerError extends Error {
  constructor() {
    super('an indexer with this name exists');
    this.name = 'DuplicateIndexerError';
  }
}

function rethrowDuplicate(error: unknown): never {
  if ((error as { constraint?: string }).constraint === 'uq_indexers_name') throw new DuplicateIndexerError();
  throw error;
}

@Injectable()
export class IndexerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(IndexerEntity);
  }

  async create(indexer: NewIndexer): Promise<IndexerEntity> {
    return this.repo.save(this.repo.create({ ...indexer, capabilities: null, capabilitiesCheckedAt: null })).catch(rethrowDuplicate);
  }

  /**
   * The updated indexer, or null when there is none with this id. A new URL or key forgets the
   * stored capabilities: they described another endpoint (the scout asks again).
   */
  async update(id: string, changes: IndexerChanges): Promise<IndexerEntity | null> {
    const endpointChanged = changes.url !== undefined || changes.apiKeyEncrypted !== undefined;
    const update = endpointChanged ? { ...changes, capabilities: null, capabilitiesCheckedAt: null } : changes;
    if (Object.keys(update).length > 0) await this.repo.update({ id }, update as QueryDeepPartialEntity<IndexerEntity>).catch(rethrowDuplicate);
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }

  findById(id: string): Promise<IndexerEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** All indexers, by priority then name. */
  list(): Promise<IndexerEntity[]> {
    return this.repo.createQueryBuilder('i').orderBy('i.priority', 'ASC').addOrderBy('lower(i.name)', 'ASC').getMany();
  }

  listEnabled(): Promise<IndexerEntity[]> {
    return this.repo.createQueryBuilder('i').where('i.enabled').orderBy('i.priority', 'ASC').addOrderBy('lower(i.name)', 'ASC').getMany();
  }

  async setCapabilities(id: string, capabilities: IndexerCapabilities): Promise<void> {
    // jsonb: TypeORM's deep-partial type does not follow an open record.
    await this.repo.update({ id }, { capabilities, capabilitiesCheckedAt: () => 'now()' } as QueryDeepPartialEntity<IndexerEntity>);
  }
}
