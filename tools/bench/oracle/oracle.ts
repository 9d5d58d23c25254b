/**
 * Oracle replicas for the bench, built as the oracle builds them: the options come from the
 * oracle app's own config schema and mapping (`oracleConfigSchema`, `oracleOptions`), so the
 * defaults measured are the service's defaults and follow them when they change; the
 * `ReleaseJudgeService` is constructed directly, with an ioredis connection under a key prefix,
 * as `release-judge.service.int-spec.ts` does (tsx drops the decorator metadata only Nest's
 * injector needs).
 *
 * This is the only file of the bench that reaches into the oracle: `tools/bench` is tagged
 * `scope:e2e, type:e2e`, which may depend neither on a `scope:oracle` project nor on a
 * `type:feature` library or an app. That is why the module-boundaries rule is switched off
 * here, and only here.
 */
/* eslint-disable @nx/enforce-module-boundaries -- a benchmark of the oracle's internals; see above */
import Redis from 'ioredis';
import { loadConfig } from '@sokoul/config';
import { type OracleOptions, ReleaseJudgeService, type ReleaseToJudge } from '@sokoul/oracle/validation';
import { oracleOptions } from '../../../apps/oracle/src/app.module';
import { oracleConfigSchema } from '../../../apps/oracle/src/config';

export { ReleaseJudgeService, type OracleOptions, type ReleaseToJudge };

/** The `ORACLE_*` settings the bench may change; everything else is the service's default. */
export interface OracleSettings {
  /** `${url}/v1` of the model server; absent: no model, the heuristic judges. */
  modelUrl?: string;
  model: string;
  batchSize?: number;
  promptMaxChars?: number;
  modelMaxReleases?: number;
  concurrency?: number;
}

/** The options the oracle would run with given these `ORACLE_*` variables (and no others). */
export function oracleOptionsFor(settings: OracleSettings): OracleOptions {
  const env: Record<string, string | undefined> = {
    ORACLE_LLM_URL: settings.modelUrl,
    ORACLE_LLM_MODEL: settings.modelUrl ? settings.model : undefined,
    ORACLE_BATCH_SIZE: settings.batchSize?.toString(),
    ORACLE_PROMPT_MAX_CHARS: settings.promptMaxChars?.toString(),
    ORACLE_MODEL_MAX_RELEASES: settings.modelMaxReleases?.toString(),
    ORACLE_LLM_CONCURRENCY: settings.concurrency?.toString(),
  };
  return oracleOptions(loadConfig(oracleConfigSchema, Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined))));
}

/** One oracle replica: its own Redis connection, keys under `prefix` (shared by replicas given the same one). */
export class OracleReplica {
  readonly judge: ReleaseJudgeService;

  private constructor(
    readonly redis: Redis,
    readonly options: OracleOptions,
  ) {
    this.judge = new ReleaseJudgeService(options, redis);
  }

  static async start(redisUrl: string, prefix: string, options: OracleOptions): Promise<OracleReplica> {
    const redis = new Redis(redisUrl, { keyPrefix: `${prefix}:`, lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    return new OracleReplica(redis, options);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
