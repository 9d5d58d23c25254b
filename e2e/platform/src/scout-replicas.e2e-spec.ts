import { eventually, postJson, signUp, TestStack } from '@sokoul/testing';

describe('scout replicas', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('replicas');
  });

  afterAll(async () => {
    await stack?.destroy();
  });

  it('split 100 searches between two scouts, each search processed exactly once', async () => {
    const gateway = await stack.start('gateway');
    const scouts = await Promise.all([stack.start('scout'), stack.start('scout')]);
    const { accessToken } = await signUp(gateway.url, 'replicas');

    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => postJson<{ id: string }>(`${gateway.url}/api/v1/searches`, { query: `Film number ${batch * 10 + i}` }, accessToken)),
      );
      for (const response of responses) {
        expect(response.status).toBe(202);
        ids.push(response.body.id);
      }
    }

    await eventually(async () => {
      const [{ count }] = await stack.db.query(`SELECT count(*)::int AS count FROM searches WHERE status = 'completed'`);
      expect(count).toBe(100);
    }, 60_000);

    const byWorker: Array<{ completed_by: string; count: number }> = await stack.db.query(
      `SELECT completed_by, count(*)::int AS count FROM searches GROUP BY completed_by`,
    );
    expect(byWorker).toHaveLength(2);
    for (const scout of scouts) {
      const share = byWorker.find((row) => row.completed_by.includes(`-${scout.pid}-`));
      expect(share?.count).toBeGreaterThan(0);
    }
    expect(byWorker.reduce((sum, row) => sum + row.count, 0)).toBe(100);

    const processed: Array<{ message_id: string }> = await stack.db.query(
      `SELECT message_id FROM processed_messages WHERE consumer = 'scout-sokoul_search_requested'`,
    );
    expect(processed.map((row) => row.message_id).sort()).toEqual(ids.map((id) => `search.requested:${id}`).sort());

    expect(await stack.eventCounts()).toEqual({ 'sokoul.search.completed': 100, 'sokoul.releases.found': 100 });
  });
});
