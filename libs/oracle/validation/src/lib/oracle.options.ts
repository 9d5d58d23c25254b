export interface ModelOptions {
  /** OpenAI-compatible base URL with `/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export interface OracleOptions {
  /** Absent: no model is configured, the heuristic judges everything. */
  model?: ModelOptions;
  /** Releases per prompt, at most. */
  batchSize: number;
  /** Characters of release titles per prompt, at most (a prompt's size is what costs time on a small board). */
  promptMaxChars: number;
  /** The best this many releases of a search go to the model; the heuristic judges the rest. */
  modelMaxReleases: number;
  /** Prompts in flight at once per replica. */
  concurrency: number;
  cacheTtlSeconds: number;
  breakerFailures: number;
  breakerOpenMs: number;
  /** How often a replica waiting for another's answer looks for it. */
  singleFlightPollMs: number;
}

export const ORACLE_OPTIONS = Symbol('ORACLE_OPTIONS');
