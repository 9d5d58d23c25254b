import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Downloads1764800000000 implements MigrationInterface {
  name = 'Downloads1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE downloads (
        id uuid PRIMARY KEY,
        request_id varchar(200) NOT NULL,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        release_id uuid REFERENCES releases (id) ON DELETE SET NULL,
        search_id uuid REFERENCES searches (id) ON DELETE SET NULL,
        watchlist_item_id uuid REFERENCES watchlist_items (id) ON DELETE SET NULL,
        info_hash char(40),
        title varchar(1000) NOT NULL,
        media jsonb,
        claimed_size_bytes bigint,
        source_url text NOT NULL,
        metainfo bytea,
        client varchar(16) NOT NULL,
        status varchar(16) NOT NULL,
        delete_data boolean NOT NULL DEFAULT false,
        selected_files integer[],
        total_bytes bigint,
        downloaded_bytes bigint NOT NULL DEFAULT 0,
        uploaded_bytes bigint NOT NULL DEFAULT 0,
        download_speed bigint NOT NULL DEFAULT 0,
        peers integer NOT NULL DEFAULT 0,
        eta_seconds integer,
        files jsonb,
        failure_code varchar(40),
        error varchar(1000),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_by varchar(200),
        lease_until timestamptz,
        seeding boolean NOT NULL DEFAULT false,
        last_progress_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_downloads_status CHECK (status IN ('queued', 'downloading', 'paused', 'completed', 'failed', 'cancelled'))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_downloads_request ON downloads (request_id)`);
    // The same torrent is never fetched twice at once, whoever asks and however often.
    await q.query(`CREATE UNIQUE INDEX uq_downloads_active_info_hash ON downloads (info_hash) WHERE status IN ('queued', 'downloading', 'paused')`);
    await q.query(`CREATE INDEX idx_downloads_user_created ON downloads (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_downloads_created ON downloads (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_downloads_claimable ON downloads (next_attempt_at) WHERE status IN ('queued', 'downloading', 'paused') OR seeding`);
    await q.query(`
      CREATE TABLE library_files (
        id uuid PRIMARY KEY,
        download_id uuid REFERENCES downloads (id) ON DELETE SET NULL,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        media jsonb,
        relative_path varchar(4096) NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 char(64) NOT NULL,
        quality varchar(40),
        import_method varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_library_files_path ON library_files (relative_path)`);
    await q.query(`CREATE INDEX idx_library_files_user_created ON library_files (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_library_files_download ON library_files (download_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE library_files`);
    await q.query(`DROP TABLE downloads`);
  }
}
