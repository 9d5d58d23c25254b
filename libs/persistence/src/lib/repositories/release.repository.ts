import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ReleaseEntity, type RankingLine } from '../entities/release.entity';
import type { Transaction } from './processed-message.repository';

export type NewRelease = Omit<ReleaseEntity, 'createdAt'>;

export interface ReleaseRanking {
  id: string;
  score: number;
  accepted: boolean;
  meetsCutoff: boolean;
  reasons: RankingLine[];
  rejections: RankingLine[];
}

/** Where a page of ranked releases ends: the ranking key of its last row. */
export interface ReleaseCursor {
  accepted: boolean;
  score: number;
  seeders: number;
  id: string;
}

@Injectable()
export class ReleaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return (tx ?? this.dataSource.manager).getRepository(ReleaseEntity);
  }

  /** Stores a search's releases; one already stored for the search (same dedupe key) is kept as it is. */
  async insertMany(releases: NewRelease[], tx?: Transaction): Promise<void> {
    for (let i = 0; i < releases.length; i += 500) {
      await this.repo(tx).createQueryBuilder().insert().values(releases.slice(i, i + 500) as QueryDeepPartialEntity<ReleaseEntity>[]).orIgnore().execute();
    }
  }

  findById(id: string): Promise<ReleaseEntity | null> {
    return this.repo().findOneBy({ id });
  }

  countForSearch(searchId: string): Promise<number> {
    return this.repo().countBy({ searchId });
  }

  /** Best first: grabbable before rejected, then score, then seeders; keyset-paged. */
  listRanked(searchId: string, limit: number, after?: ReleaseCursor): Promise<ReleaseEntity[]> {
    const query = this.repo()
      .createQueryBuilder('r')
      .where('r.search_id = :searchId', { searchId })
      .orderBy('r.accepted', 'DESC')
      .addOrderBy('r.score', 'DESC')
      .addOrderBy('COALESCE(r.seeders, -1)', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .take(limit);
    if (after) {
      query.andWhere('(r.accepted, r.score, COALESCE(r.seeders, -1), r.id) < (:accepted, :score, :seeders, :id)', after);
    }
    return query.getMany();
  }

  /** Every stored release of searches ranked by these profiles (null: the default), a batch at a time. */
  async *inSearchesOfProfiles(profileIds: Array<string | null>, batchSize = 500): AsyncGenerator<ReleaseEntity[]> {
    const ids = profileIds.filter((id): id is string => id !== null);
    const includeDefault = profileIds.includes(null);
    let lastId: string | undefined;
    for (;;) {
      const query = this.repo()
        .createQueryBuilder('r')
        .innerJoin('searches', 's', 's.id = r.search_id')
        .where(includeDefault && ids.length ? '(s.profile_id IN (:...ids) OR s.profile_id IS NULL)' : includeDefault ? 's.profile_id IS NULL' : 's.profile_id IN (:...ids)', { ids })
        .orderBy('r.id', 'ASC')
        .take(batchSize);
      if (lastId) query.andWhere('r.id > :lastId', { lastId });
      const batch = await query.getMany();
      if (batch.length === 0) return;
      yield batch;
      lastId = batch[batch.length - 1].id;
    }
  }

  async updateRankings(rankings: ReleaseRanking[]): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      for (const r of rankings) {
        await tx.getRepository(ReleaseEntity).update({ id: r.id }, { score: r.score, accepted: r.accepted, meetsCutoff: r.meetsCutoff, reasons: r.reasons, rejections: r.rejections });
      }
    });
  }
}
