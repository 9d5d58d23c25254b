import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Scout1764500000000 implements MigrationInterface {
  name = 'Scout1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE indexers (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL,
        url varchar(2000) NOT NULL,
        api_key_encrypted text NOT NULL,
        categories integer[] NOT NULL DEFAULT '{}',
        priority integer NOT NULL DEFAULT 25,
        enabled boolean NOT NULL DEFAULT true,
        capabilities jsonb,
        capabilities_checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_indexers_name ON indexers (lower(name))`);

    await q.query(`
      CREATE TABLE quality_profiles (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        rules jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_quality_profiles_name ON quality_profiles (lower(name))`);
    await q.query(`CREATE UNIQUE INDEX uq_quality_profiles_default ON quality_profiles (is_default) WHERE is_default`);

    await q.query(`ALTER TABLE searches ADD COLUMN profile_id uuid REFERENCES quality_profiles (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE searches ADD COLUMN media jsonb`);
    await q.query(`ALTER TABLE searches ADD COLUMN metadata_status varchar(16)`);
    await q.query(`ALTER TABLE searches ADD COLUMN indexer_report jsonb`);

    await q.query(`
      CREATE TABLE releases (
        id uuid PRIMARY KEY,
        search_id uuid NOT NULL REFERENCES searches (id) ON DELETE CASCADE,
        dedupe_key varchar(300) NOT NULL,
        info_hash char(40),
        guid varchar(2000) NOT NULL,
        title varchar(1000) NOT NULL,
        indexers text[] NOT NULL,
        indexer_priority integer NOT NULL DEFAULT 25,
        size_bytes bigint NOT NULL,
        seeders integer,
        peers integer,
        published_at timestamptz,
        magnet_url text,
        download_url text,
        info_url text,
        imdb_id varchar(12),
        tmdb_id integer,
        categories integer[] NOT NULL DEFAULT '{}',
        freeleech boolean NOT NULL DEFAULT false,
        parsed jsonb NOT NULL,
        quality varchar(20) NOT NULL,
        score integer NOT NULL,
        accepted boolean NOT NULL,
        reasons jsonb NOT NULL,
        rejections jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_releases_search_dedupe ON releases (search_id, dedupe_key)`);
    await q.query(`CREATE INDEX idx_releases_search_rank ON releases (search_id, accepted DESC, score DESC, seeders DESC NULLS LAST, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE releases`);
    await q.query(`ALTER TABLE searches DROP COLUMN indexer_report, DROP COLUMN metadata_status, DROP COLUMN media, DROP COLUMN profile_id`);
    await q.query(`DROP TABLE quality_profiles`);
    await q.query(`DROP TABLE indexers`);
  }
}
