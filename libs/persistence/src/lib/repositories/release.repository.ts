import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ReleaseEntity, type RankingLine } from '../entities/release.entity';
import type { Transaction } from './processed-message.repository';

/** What the oracle writes, and what Postgres computes from it. */
type JudgedColumns = 'verdict' | 'verdictConfidence' | 'verdictReasons' | 'scoreAdjustment' | 'judgedBy' | 'judgedAt' | 'grabbable' | 'rankScore';

export type NewRelease = Omit<ReleaseEntity, 'createdAt' | JudgedColumns>;

export type ReleaseSummary = Pick<ReleaseEntity, 'id' | 'title' | 'infoHash' | 'sizeBytes' | 'quality' | 'score' | 'accepted'>;

/** The oracle's judgement of one release. */
export interface ReleaseJudgement {
  releaseId: string;
  verdict: 'match' | 'mismatch' | 'uncertain';
  confidence: number;
  reasons: string[];
  scoreAdjustment: number;
  judgedBy: string;
}

/** The columns `insertMany` writes, with their SQL types (for `jsonb_to_recordset`). */
const RELEASE_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['search_id', 'uuid'],
  ['dedupe_key', 'varchar'],
  ['info_hash', 'char(40)'],
  ['guid', 'varchar'],
  ['title', 'varchar'],
  ['indexers', 'text[]'],
  ['indexer_priority', 'integer'],
  ['size_bytes', 'bigint'],
  ['seeders', 'integer'],
  ['peers', 'integer'],
  ['published_at', 'timestamptz'],
  ['magnet_url', 'text'],
  ['download_url', 'text'],
  ['info_url', 'text'],
  ['imdb_id', 'varchar'],
  ['tmdb_id', 'integer'],
  ['categories', 'integer[]'],
  ['freeleech', 'boolean'],
  ['parsed', 'jsonb'],
  ['quality', 'varchar'],
  ['score', 'integer'],
  ['accepted', 'boolean'],
  ['meets_cutoff', 'boolean'],
  ['reasons', 'jsonb'],
  ['rejections', 'jsonb'],
];

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
  grabbable: boolean;
  rankScore: number;
  seeders: number;
  id: string;
}

/** Best first: grabbable (accepted, not judged a mismatch) before the rest, then score with the oracle's adjustment, then seeders. */
const RANKING = [
  ['r.grabbable', 'DESC'],
  ['r.rank_score', 'DESC'],
  ['COALESCE(r.seeders, -1)', 'DESC'],
  ['r.id', 'ASC'],
] as const;

@Injectable()
export class ReleaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction) {
    return (tx ?? this.dataSource.manager).getRepository(ReleaseEntity);
  }

  /**
   * Stores a search's releases; one already stored for the search (same dedupe key) is kept as
   * it is. One statement with one JSON parameter: a search's thousand releases as TypeORM's
   * multi-row INSERT cost twice as long (thousands of placeholders built, sent and returned).
   */
  async insertMany(releases: NewRelease[], tx?: Transaction): Promise<void> {
    if (releases.length === 0) return;
    const rows = releases.map((r) => ({
      id: r.id,
      search_id: r.searchId,
      dedupe_key: r.dedupeKey,
      info_hash: r.infoHash,
      guid: r.guid,
      title: r.title,
      indexers: r.indexers,
      indexer_priority: r.indexerPriority,
      size_bytes: r.sizeBytes,
      seeders: r.seeders,
      peers: r.peers,
      published_at: r.publishedAt,
      magnet_url: r.magnetUrl,
      download_url: r.downloadUrl,
      info_url: r.infoUrl,
      imdb_id: r.imdbId,
      tmdb_id: r.tmdbId,
      categories: r.categories,
      freeleech: r.freeleech,
      parsed: r.parsed,
      quality: r.quality,
      score: r.score,
      accepted: r.accepted,
      meets_cutoff: r.meetsCutoff,
      reasons: r.reasons,
      rejections: r.rejections,
    }));
    await (tx ?? this.dataSource.manager).query(
      `INSERT INTO releases (${RELEASE_COLUMNS.map(([name]) => name).join(', ')})
       SELECT ${RELEASE_COLUMNS.map(([name]) => name).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS r(${RELEASE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
       ON CONFLICT (search_id, dedupe_key) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /** What `releases.found` carries, best first, without the heavy columns. */
  listRankedSummaries(searchId: string, limit: number): Promise<ReleaseSummary[]> {
    return this.repo()
      .createQueryBuilder('r')
      .select(['r.id', 'r.title', 'r.infoHash', 'r.sizeBytes', 'r.quality', 'r.score', 'r.accepted'])
      .where('r.search_id = :searchId', { searchId })
      .orderBy(Object.fromEntries(RANKING))
      .take(limit)
      .getMany();
  }

  findById(id: string): Promise<ReleaseEntity | null> {
    return this.repo().findOneBy({ id });
  }

  countForSearch(searchId: string): Promise<number> {
    return this.repo().countBy({ searchId });
  }

  /** Best first (see `RANKING`); keyset-paged. */
  listRanked(searchId: string, limit: number, after?: ReleaseCursor): Promise<ReleaseEntity[]> {
    const query = this.repo()
      .createQueryBuilder('r')
      .where('r.search_id = :searchId', { searchId })
      .orderBy(Object.fromEntries(RANKING))
      .take(limit);
    if (after) {
      // Row comparison needs one direction for every key: the id ascends, so it is compared apart.
      query.andWhere(
        `((r.grabbable, r.rank_score, COALESCE(r.seeders, -1)) < (:grabbable, :rankScore, :seeders)
          OR ((r.grabbable, r.rank_score, COALESCE(r.seeders, -1)) = (:grabbable, :rankScore, :seeders) AND r.id > :id))`,
        after,
      );
    }
    return query.getMany();
  }

  /** The best release good enough to stop looking (grabbable, at or above the cutoff), if any. */
  bestToGrab(searchId: string, tx?: Transaction): Promise<ReleaseEntity | null> {
    return this.repo(tx)
      .createQueryBuilder('r')
      .where('r.search_id = :searchId AND r.grabbable AND r.meets_cutoff', { searchId })
      .orderBy(Object.fromEntries(RANKING))
      .getOne();
  }

  /**
   * Stores the oracle's verdicts in one statement. A redelivered, older judgement never
   * overwrites a newer one; releases of another search are left alone.
   */
  async recordJudgements(searchId: string, judgements: readonly ReleaseJudgement[], judgedAt: Date): Promise<number> {
    if (judgements.length === 0) return 0;
    const rows = judgements.map((j) => ({
      id: j.releaseId,
      verdict: j.verdict,
      confidence: j.confidence,
      reasons: j.reasons,
      adjustment: j.scoreAdjustment,
      judged_by: j.judgedBy,
    }));
    const [, affected] = (await this.dataSource.query(
      `UPDATE releases AS r
       SET verdict = v.verdict, verdict_confidence = v.confidence, verdict_reasons = v.reasons,
           score_adjustment = v.adjustment, judged_by = v.judged_by, judged_at = $3
       FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, verdict varchar, confidence real, reasons jsonb, adjustment integer, judged_by varchar)
       WHERE r.id = v.id AND r.search_id = $1 AND (r.judged_at IS NULL OR r.judged_at <= $3)`,
      [searchId, JSON.stringify(rows), judgedAt],
    )) as [unknown, number];
    return affected;
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
