import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv } from '@sokoul/config';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http or https URL, e.g. http://127.0.0.1:8080/v1' });

export const oracleConfigSchema = z
  .object({
    ORACLE_PORT: port(3003),
    /** The OpenAI-compatible base URL with `/v1` (llama.cpp server, Ollama, vLLM, LM Studio); unset: the heuristic judges. */
    ORACLE_LLM_URL: httpUrl.optional(),
    ORACLE_LLM_MODEL: z.string().min(1).max(200).optional(),
    ORACLE_LLM_API_KEY: z.string().min(1).optional(),
    ORACLE_LLM_TIMEOUT_MS: positiveInt(60_000),
    ORACLE_LLM_CONCURRENCY: positiveInt(1),
    ORACLE_BATCH_SIZE: positiveInt(8),
    ORACLE_PROMPT_MAX_CHARS: positiveInt(4_000),
    ORACLE_MODEL_MAX_RELEASES: positiveInt(40),
    ORACLE_CACHE_TTL_S: positiveInt(7 * 24 * 3600),
    ORACLE_BREAKER_FAILURES: positiveInt(3),
    ORACLE_BREAKER_OPEN_MS: positiveInt(60_000),
    ORACLE_SINGLE_FLIGHT_POLL_MS: positiveInt(100),
    ...databaseEnv,
    ...natsEnv,
    ...redisEnv,
    ...logEnv,
  })
  .superRefine((config, context) => {
    if (config.ORACLE_LLM_URL && !config.ORACLE_LLM_MODEL) {
      context.addIssue({ code: 'custom', path: ['ORACLE_LLM_MODEL'], message: 'required when ORACLE_LLM_URL is set: the model to ask, e.g. qwen2.5:3b' });
    }
  });

export type OracleConfig = z.infer<typeof oracleConfigSchema>;
