import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to an API key (but its last use) or to a user is announced on `sokoul_access_changed` when its
 * transaction commits (payload `<schema>:<user id>`), so a gateway that keeps authenticated
 * keys in memory drops the owner's keys: a revoked key, a disabled owner or a changed role
 * holds from the moment the announcement arrives.
 */
export class AccessChangeNotifications1765100000001 implements MigrationInterface {
  name = 'AccessChangeNotifications1765100000001';

  async up(q: QueryRunner): Promise<void> {
    // notify_row_changed(channel, column) comes from migration SearchChangeNotifications.
    // Recording a key's use (`last_used_at`, once a minute) changes nothing about what it may do.
    await q.query(`
      CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys FOR EACH ROW
      WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
      EXECUTE FUNCTION notify_row_changed('sokoul_access_changed', 'user_id')`);
    await q.query(`CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION notify_row_changed('sokoul_access_changed', 'user_id')`);
    await q.query(`CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_row_changed('sokoul_access_changed', 'id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER users_changed ON users`);
    await q.query(`DROP TRIGGER api_keys_deleted ON api_keys`);
    await q.query(`DROP TRIGGER api_keys_changed ON api_keys`);
  }
}
