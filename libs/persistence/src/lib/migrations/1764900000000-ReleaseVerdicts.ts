import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReleaseVerdicts1764900000000 implements MigrationInterface {
  name = 'ReleaseVerdicts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE releases ADD COLUMN verdict varchar(10)`);
    await q.query(`ALTER TABLE releases ADD COLUMN verdict_confidence real`);
    await q.query(`ALTER TABLE releases ADD COLUMN verdict_reasons jsonb`);
    await q.query(`ALTER TABLE releases ADD COLUMN score_adjustment integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE releases ADD COLUMN judged_by varchar(200)`);
    await q.query(`ALTER TABLE releases ADD COLUMN judged_at timestamptz`);
    await q.query(`ALTER TABLE releases ADD CONSTRAINT ck_releases_verdict CHECK (verdict IN ('match', 'mismatch', 'uncertain'))`);
    // The ranking key, kept by Postgres: a release the oracle found to be something else ranks
    // with the ones the profile refuses, and the oracle's adjustment moves it within its tier.
    await q.query(`ALTER TABLE releases ADD COLUMN grabbable boolean GENERATED ALWAYS AS (accepted AND verdict IS DISTINCT FROM 'mismatch') STORED`);
    await q.query(`ALTER TABLE releases ADD COLUMN rank_score integer GENERATED ALWAYS AS (score + score_adjustment) STORED`);
    await q.query(`DROP INDEX idx_releases_search_rank`);
    await q.query(`CREATE INDEX idx_releases_search_rank ON releases (search_id, grabbable DESC, rank_score DESC, (COALESCE(seeders, -1)) DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_releases_search_rank`);
    await q.query(`ALTER TABLE releases DROP COLUMN rank_score, DROP COLUMN grabbable`);
    await q.query(`ALTER TABLE releases DROP CONSTRAINT ck_releases_verdict`);
    await q.query(`ALTER TABLE releases DROP COLUMN judged_at, DROP COLUMN judged_by, DROP COLUMN score_adjustment, DROP COLUMN verdict_reasons, DROP COLUMN verdict_confidence, DROP COLUMN verdict`);
    await q.query(`CREATE INDEX idx_releases_search_rank ON releases (search_id, accepted DESC, score DESC, seeders DESC NULLS LAST, id)`);
  }
}
