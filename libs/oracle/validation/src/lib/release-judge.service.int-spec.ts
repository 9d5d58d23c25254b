import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { register } from 'prom-client';
import type { Media } from '@sokoul/contracts';
import { type FakeLlm, type FakeLlmOptions, startFakeLlm } from '@sokoul/fakes';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { OracleOptions } from './oracle.options';
import { ReleaseJudgeService, type ReleaseToJudge } from './release-judge.service';

jest.setTimeout(30_000);

const GIB = 1024 ** 3;
const matrix: Media = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null, tmdbId: 603, imdbId: 'tt0133093', tvdbId: null };
const severance: Media = { kind: 'series', title: 'Severance', year: 2022, season: 1, episode: 3, tmdbId: 95396, imdbId: null, tvdbId: null };

const release = (title: string, sizeBytes = 10 * GIB, quality = 'Bluray-1080p'): ReleaseToJudge => ({ releaseId: randomUUID(), title, sizeBytes, quality });

const matrixReleases = () => [
  release('The.Matrix.1999.1080p.BluRay.x264-SPARKS'),
  release('The.Matrix.Reloaded.2003.1080p.BluRay.x264-SPARKS'),
  release('The.Matrix.1999.HDCAM.x264-NOGRP', 1.4 * GIB, 'CAM'),
  release('The.Matrix.1999.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-FGT', 60 * GIB, 'Remux-2160p'),
];

describe('ReleaseJudgeService (real Redis, a local OpenAI-compatible server)', () => {
  const redisClients: Redis[] = [];
  const servers: FakeLlm[] = [];
  let prefix: string;

  async function llm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
    const server = await startFakeLlm({ models: ['qwen2.5-3b-instruct', 'llama-3.2-3b-instruct'], ...options });
    servers.push(server);
    return server;
  }

  /** One oracle replica: its own Redis connection, the shared key prefix. */
  function replica(server: FakeLlm | undefined, overrides: Partial<OracleOptions> = {}, model = 'qwen2.5-3b-instruct'): ReleaseJudgeService {
    const redis = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${prefix}:` });
    redisClients.push(redis);
    const options: OracleOptions = {
      model: server ? { baseUrl: `${server.url}/v1`, model, timeoutMs: 2_000 } : undefined,
      batchSize: 8,
      promptMaxChars: 4_000,
      modelMaxReleases: 40,
      concurrency: 1,
      cacheTtlSeconds: 3600,
      breakerFailures: 3,
      breakerOpenMs: 60_000,
      singleFlightPollMs: 20,
      ...overrides,
    };
    return new ReleaseJudgeService(options, redis);
  }

  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const values = (await register.getSingleMetric(name)?.get())?.values ?? [];
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
  };

  beforeEach(() => {
    prefix = uniqueNamespace('oracle');
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(redisClients.splice(0).map((r) => r.quit()));
  });

  describe('with a model', () => {
    it("stores the model's verdict, confidence and reasons per release, and ranks by them", async () => {
      const server = await llm();
      const releases = matrixReleases();

      const verdicts = await replica(server).judgeAll(matrix, releases);

      expect(verdicts.map((v) => [v.releaseId, v.verdict, v.judgedBy])).toEqual([
        [releases[0].releaseId, 'match', 'qwen2.5-3b-instruct'],
        [releases[1].releaseId, 'mismatch', 'qwen2.5-3b-instruct'],
        [releases[2].releaseId, 'mismatch', 'qwen2.5-3b-instruct'],
        [releases[3].releaseId, 'match', 'qwen2.5-3b-instruct'],
      ]);
      expect(verdicts[0].scoreAdjustment).toBeGreaterThan(0);
      expect(verdicts[1].scoreAdjustment).toBeLessThan(0);
      expect(verdicts[2].reasons.join(' ')).toMatch(/cam/i);
      expect(verdicts.every((v) => v.confidence > 0 && v.confidence <= 1)).toBe(true);
      expect(server.completions).toBe(1);
    });

    it('answers a question asked before from the cache, without calling the model', async () => {
      const server = await llm();
      const oracle = replica(server);
      await oracle.judgeAll(matrix, matrixReleases());
      const hitsBefore = await metric('sokoul_cache_hits_total', { cache: 'inference' });

      // The same names found again by a later search (new release ids), one spelled in another case.
      const again = matrixReleases();
      again[0].title = again[0].title.toUpperCase();
      const verdicts = await oracle.judgeAll(matrix, again);

      expect(server.completions).toBe(1);
      expect(verdicts.map((v) => v.verdict)).toEqual(['match', 'mismatch', 'mismatch', 'match']);
      expect(await metric('sokoul_cache_hits_total', { cache: 'inference' })).toBe(hitsBefore + 4);
    });

    it('never serves an answer given by another model or to another question', async () => {
      const server = await llm();
      await replica(server).judgeAll(matrix, matrixReleases());

      await replica(server, {}, 'llama-3.2-3b-instruct').judgeAll(matrix, matrixReleases());
      await replica(server).judgeAll({ ...matrix, year: 2021, title: 'The Matrix Resurrections' }, matrixReleases());

      expect(server.completions).toBe(3);
    });

    it('asks about one name once per prompt when two indexers list it', async () => {
      const server = await llm();
      const [first, second] = [release('Severance.S01E03.1080p.WEB.h264-GLHF'), release('Severance.S01E03.1080p.WEB.h264-GLHF')];

      const verdicts = await replica(server).judgeAll(severance, [first, second]);

      expect(server.requests.at(-1)?.releaseCount).toBe(1);
      expect(verdicts.map((v) => v.verdict)).toEqual(['match', 'match']);
    });

    it('sends bounded prompts, one at a time by default', async () => {
      const server = await llm({ slots: 4, latency: { baseMs: 20, perReleaseMs: 2 } });
      const releases = Array.from({ length: 20 }, (_, i) => release(`Severance.S01E${String(i + 1).padStart(2, '0')}.1080p.WEB.h264-GLHF`, 2 * GIB, 'WEBDL-1080p'));

      const verdicts = await replica(server).judgeAll(severance, releases);

      expect(server.requests.map((r) => r.releaseCount)).toEqual([8, 8, 4]);
      expect(server.maxConcurrent).toBe(1);
      expect(verdicts.filter((v) => v.verdict === 'match')).toHaveLength(1);
    });

    it('cuts prompts by the characters of the names too', async () => {
      const server = await llm();
      const long = (n: number) => release(`The.Matrix.1999.${'Extended.Directors.Cut.Remastered.'.repeat(10)}${n}.1080p.BluRay-GRP`);

      await replica(server, { promptMaxChars: 800 }).judgeAll(matrix, [long(1), long(2), long(3), long(4)]);

      expect(server.requests.map((r) => r.releaseCount)).toEqual([2, 2]);
    });

    it('lets up to ORACLE_LLM_CONCURRENCY prompts run at once', async () => {
      const server = await llm({ slots: 4, latency: { baseMs: 100, perReleaseMs: 0 } });
      const releases = Array.from({ length: 12 }, (_, i) => release(`The.Matrix.1999.1080p.BluRay.x264-GROUP${i}`));

      await replica(server, { concurrency: 3, batchSize: 2 }).judgeAll(matrix, releases);

      expect(server.maxConcurrent).toBe(3);
    });

    it('sends only the best releases to the model and has the heuristic judge the rest', async () => {
      const server = await llm();
      const releases = matrixReleases();

      const verdicts = await replica(server, { modelMaxReleases: 2 }).judgeAll(matrix, releases);

      expect(server.requests[0].releaseCount).toBe(2);
      expect(verdicts.map((v) => v.judgedBy)).toEqual(['qwen2.5-3b-instruct', 'qwen2.5-3b-instruct', 'heuristic', 'heuristic']);
      expect(verdicts[2].verdict).toBe('mismatch');
    });
  });

  describe('when the model misbehaves', () => {
    it('asks once more after a malformed answer, and keeps the good one', async () => {
      const server = await llm({ fail: 'malformed-json', failNext: 1 });

      const verdicts = await replica(server).judgeAll(matrix, matrixReleases());

      expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);
      expect(verdicts.every((v) => v.judgedBy === 'qwen2.5-3b-instruct')).toBe(true);
    });

    it.each(['wrong-shape', 'missing-verdicts', 'malformed-json'] as const)('has the heuristic judge after two %s answers', async (fail) => {
      const server = await llm({ fail });

      const verdicts = await replica(server).judgeAll(matrix, matrixReleases());

      expect(server.requests).toHaveLength(2);
      expect(verdicts.map((v) => [v.verdict, v.judgedBy])).toEqual([
        ['match', 'heuristic'],
        ['mismatch', 'heuristic'],
        ['mismatch', 'heuristic'],
        ['match', 'heuristic'],
      ]);
    });

    it('does not cache what the heuristic said: the model answers once it is back', async () => {
      const server = await llm({ fail: 'http500', failNext: 1 });
      const oracle = replica(server);

      expect((await oracle.judgeAll(matrix, matrixReleases()))[0].judgedBy).toBe('heuristic');
      expect((await oracle.judgeAll(matrix, matrixReleases()))[0].judgedBy).toBe('qwen2.5-3b-instruct');
    });

    it('has the heuristic judge when the model is slower than the timeout', async () => {
      const server = await llm({ delayMs: 1_000 });

      const verdicts = await replica(server, { model: { baseUrl: `${server.url}/v1`, model: 'qwen2.5-3b-instruct', timeoutMs: 150 } }).judgeAll(matrix, matrixReleases());

      expect(verdicts.every((v) => v.judgedBy === 'heuristic')).toBe(true);
    });

    it('stops calling a model that keeps failing, then probes it again after the open time', async () => {
      const server = await llm({ fail: 'http500' });
      const oracle = replica(server, { breakerFailures: 2, breakerOpenMs: 300, batchSize: 1 });

      await oracle.judgeAll(matrix, matrixReleases());
      const callsWhileFailing = server.requests.length;
      await oracle.judgeAll(matrix, [release('The.Matrix.1999.720p.WEB-DL.x264-NEW')]);

      expect(callsWhileFailing).toBe(2);
      expect(server.requests).toHaveLength(2);
      expect(await metric('sokoul_ai_circuit_open', { model: 'qwen2.5-3b-instruct' })).toBe(1);

      server.setFaults({});
      await new Promise((resolve) => setTimeout(resolve, 350));
      const verdicts = await oracle.judgeAll(matrix, [release('The.Matrix.1999.720p.WEB-DL.x264-NEW')]);

      expect(verdicts[0].judgedBy).toBe('qwen2.5-3b-instruct');
      expect(await metric('sokoul_ai_circuit_open', { model: 'qwen2.5-3b-instruct' })).toBe(0);
    });

    it('stays away as long as a 429 asks', async () => {
      const server = await llm({ fail: 'http429', retryAfterSeconds: 120 });
      const oracle = replica(server, { breakerOpenMs: 10 });

      await oracle.judgeAll(matrix, matrixReleases());
      await new Promise((resolve) => setTimeout(resolve, 50));
      await oracle.judgeAll(matrix, [release('The.Matrix.1999.720p.WEB-DL.x264-NEW')]);

      expect(server.requests).toHaveLength(1);
    });
  });

  describe('without a model', () => {
    it('judges every release with the heuristic, in the same shape', async () => {
      const verdicts = await replica(undefined).judgeAll(matrix, matrixReleases());

      expect(verdicts.map((v) => [v.verdict, v.judgedBy])).toEqual([
        ['match', 'heuristic'],
        ['mismatch', 'heuristic'],
        ['mismatch', 'heuristic'],
        ['match', 'heuristic'],
      ]);
      expect(verdicts.every((v) => v.reasons.length > 0)).toBe(true);
    });
  });

  describe('across replicas', () => {
    it('asks the model once when two replicas judge the same releases at the same time', async () => {
      const server = await llm({ latency: { baseMs: 150, perReleaseMs: 10 } });
      const [a, b] = [replica(server), replica(server)];

      const [fromA, fromB] = await Promise.all([a.judgeAll(matrix, matrixReleases()), b.judgeAll(matrix, matrixReleases())]);

      expect(server.completions).toBe(1);
      expect(fromA.map((v) => v.verdict)).toEqual(fromB.map((v) => v.verdict));
      expect(fromB.every((v) => v.judgedBy === 'qwen2.5-3b-instruct')).toBe(true);
    });

    it('asks again itself when the replica it waited for fails', async () => {
      const failing = await llm({ fail: 'http500', delayMs: 150 });
      const working = await llm();
      const [a, b] = [replica(failing), replica(working)];

      const first = a.judgeAll(matrix, matrixReleases());
      await new Promise((resolve) => setTimeout(resolve, 30));
      const fromB = await b.judgeAll(matrix, matrixReleases());
      await first;

      expect(working.completions).toBe(1);
      expect(fromB.every((v) => v.judgedBy === 'qwen2.5-3b-instruct')).toBe(true);
    });

    it('replays 1,000 validations with repeats on two replicas: one model call per distinct question', async () => {
      const server = await llm({ slots: 1, latency: { baseMs: 5, perReleaseMs: 1 } });
      const replicas = [replica(server, { batchSize: 8 }), replica(server, { batchSize: 8 })];
      const groups = ['SPARKS', 'FGT', 'RARBG', 'YTS', 'NTb', 'FLUX', 'TEPES', 'CMRG', 'EVO', 'SWTYBLZ'];
      const names = Array.from({ length: 50 }, (_, i) => `The.Matrix.1999.${['720p', '1080p', '2160p', '480p', 'HDCAM'][i % 5]}.${['BluRay', 'WEB-DL', 'WEBRip'][i % 3]}.x264-${groups[i % 10]}`);
      // 100 searches of 10 releases: hourly watchlist re-searches of the same film find mostly the same names.
      const searches = Array.from({ length: 100 }, (_, s) => Array.from({ length: 10 }, (_, r) => release(names[(s * 3 + r * 7) % names.length])));
      const distinct = new Set(searches.flat().map((r) => r.title)).size;
      const hitsBefore = await metric('sokoul_cache_hits_total', { cache: 'inference' });
      const missesBefore = await metric('sokoul_cache_misses_total', { cache: 'inference' });

      const judged = await Promise.all(searches.map((releases, s) => replicas[s % 2].judgeAll(matrix, releases)));

      const judgedByModel = judged.flat().filter((v) => v.judgedBy !== 'heuristic');
      expect(judgedByModel).toHaveLength(1000);
      const titledVerdicts = new Map<string, string>();
      searches.flat().forEach((r, i) => {
        const verdict = judged.flat()[i].verdict;
        expect(titledVerdicts.get(r.title) ?? verdict).toBe(verdict);
        titledVerdicts.set(r.title, verdict);
      });
      const asked = server.requests.reduce((sum, r) => sum + (r.releaseCount ?? 0), 0);
      expect(asked).toBe(distinct);
      const hits = (await metric('sokoul_cache_hits_total', { cache: 'inference' })) - hitsBefore;
      const misses = (await metric('sokoul_cache_misses_total', { cache: 'inference' })) - missesBefore;
      // Every search looks each of its distinct questions up once, whoever then answers it.
      expect(hits + misses).toBe(searches.reduce((sum, releases) => sum + new Set(releases.map((r) => r.title)).size, 0));
    });
  });
});
