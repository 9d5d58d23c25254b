import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Watchlist1764600000000 implements MigrationInterface {
  name = 'Watchlist1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE releases ADD COLUMN meets_cutoff boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE watchlist_items (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind varchar(8) NOT NULL,
        tmdb_id integer NOT NULL,
        title varchar(300) NOT NULL,
        year integer,
        season integer,
        episode integer,
        profile_id uuid REFERENCES quality_profiles (id) ON DELETE SET NULL,
        auto_download boolean NOT NULL DEFAULT true,
        status varchar(16) NOT NULL DEFAULT 'wanted',
        next_search_at timestamptz NOT NULL DEFAULT now(),
        last_searched_at timestamptz,
        last_search_id uuid REFERENCES searches (id) ON DELETE SET NULL,
        grabbed_release_id uuid REFERENCES releases (id) ON DELETE SET NULL,
        grabbed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // COALESCE: a film (no season/episode) is on a user's list once.
    await q.query(`CREATE UNIQUE INDEX uq_watchlist_user_title ON watchlist_items (user_id, kind, tmdb_id, COALESCE(season, -1), COALESCE(episode, -1))`);
    await q.query(`CREATE INDEX idx_watchlist_due ON watchlist_items (next_search_at) WHERE status = 'wanted'`);
    await q.query(`CREATE INDEX idx_watchlist_user_created ON watchlist_items (user_id, created_at DESC, id DESC)`);
    await q.query(`ALTER TABLE searches ADD COLUMN watchlist_item_id uuid REFERENCES watchlist_items (id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE searches DROP COLUMN watchlist_item_id`);
    await q.query(`DROP TABLE watchlist_items`);
    await q.query(`ALTER TABLE releases DROP COLUMN meets_cutoff`);
  }
}
