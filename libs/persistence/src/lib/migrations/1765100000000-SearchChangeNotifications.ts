import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a search row is announced on `sokoul_search_changed` when its transaction
 * commits (payload `<schema>:<id>`), so readers that keep searches in memory (the gateway) drop
 * their copy. Row triggers fire for cascaded deletes too. `TRUNCATE` is not announced: nothing
 * truncates searches.
 */
export class SearchChangeNotifications1765100000000 implements MigrationInterface {
  name = 'SearchChangeNotifications1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // Any table's changes can be announced with it: the channel and the column to send are the trigger's arguments.
    await q.query(`
      CREATE FUNCTION notify_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify(TG_ARGV[0], TG_TABLE_SCHEMA || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
        RETURN NULL;
      END
      $$`);
    await q.query(`CREATE TRIGGER searches_changed AFTER UPDATE OR DELETE ON searches FOR EACH ROW EXECUTE FUNCTION notify_row_changed('sokoul_search_changed', 'id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER searches_changed ON searches`);
    await q.query(`DROP FUNCTION notify_row_changed()`);
  }
}
