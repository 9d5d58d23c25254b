import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CircuitBreaker } from '@sokoul/circuit-breaker';
import { HEURISTIC_JUDGE, type Media, type ReleaseVerdict } from '@sokoul/contracts';
import { Semaphore } from '@sokoul/messaging';
import { counter, gauge, histogram } from '@sokoul/observability';
import { judgeRelease } from '@sokoul/oracle/heuristic-judge';
import { ChatCompletionsClient, ModelAnswerError, ModelError, ModelRateLimitedError } from '@sokoul/oracle/llm-client';
import { REDIS_CLIENT } from '@sokoul/redis';
import { type CachedVerdict, InferenceCache, inferenceKey } from './inference-cache';
import { ORACLE_OPTIONS, type OracleOptions } from './oracle.options';
import { scoreAdjustmentFor } from './score-adjustment';

import { buildUserMessage, maxTokensFor, PROMPT_VERSION, type PromptRelease, readVerdicts, systemMessage, verdictSchema } from './verdict-prompt';

export interface ReleaseToJudge extends PromptRelease {
  releaseId: string;
}

const inferenceDuration = histogram('sokoul_ai_inference_duration_seconds', 'Time a model took to answer one prompt (a batch of releases).', ['model', 'outcome'], [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120]);
const modelCalls = counter('sokoul_ai_model_calls_total', 'Prompts sent to the model, by outcome (ok, malformed, unavailable, rate_limited, refused).', ['model', 'outcome']);
const cacheHits = counter('sokoul_cache_hits_total', 'Cache lookups that found an entry.', ['cache']);
const cacheMisses = counter('sokoul_cache_misses_total', 'Cache lookups that found nothing (or failed).', ['cache']);
const sharedAnswers = counter('sokoul_ai_single_flight_shared_total', 'Answers a replica waited for instead of asking the model itself.', []);
const verdicts = counter('sokoul_ai_verdicts_total', 'Releases judged, by judge (model or heuristic) and verdict.', ['judge', 'verdict']);
const breakerOpen = gauge('sokoul_ai_circuit_open', 'Whether the model is not being called after repeated failures (1) or is (0).', ['model']);

/** Rounds of "ask, or wait for whoever asks" before the heuristic takes over a question. */
const MAX_ROUNDS = 3;

/**
 * Judges a search's releases: the best `modelMaxReleases` by the model (cached in Redis, asked
 * once across replicas, in bounded batches, a few prompts at a time, behind a circuit
 * breaker), everything else and everything the model could not answer by the heuristic. Every
 * release gets a verdict; which judge gave it is part of the verdict.
 */
@Injectable()
export class ReleaseJudgeService {
  private readonly logger = new Logger(ReleaseJudgeService.name);
  private readonly client?: ChatCompletionsClient;
  private readonly cache: InferenceCache;
  private readonly breaker: CircuitBreaker;
  private readonly slots: Semaphore;

  constructor(
    @Inject(ORACLE_OPTIONS) private readonly options: OracleOptions,
    @Inject(REDIS_CLIENT) redis: Redis,
  ) {
    const model = options.model;
    if (model) this.client = new ChatCompletionsClient(model);
    this.cache = new InferenceCache(redis, options.cacheTtlSeconds);
    this.slots = new Semaphore(options.concurrency);
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breakerFailures,
      openMs: options.breakerOpenMs,
      onStateChange: (state) => {
        if (!model) return;
        breakerOpen.set({ model: model.model }, state === 'open' ? 1 : 0);
        this.logger.warn(`model ${model.model} at ${this.client?.server}: circuit ${state}${state === 'open' ? ', the heuristic judges until it is probed again' : ''}`);
      },
    });
    if (model) breakerOpen.set({ model: model.model }, 0);
  }

  /** The model's name, or `heuristic` when none is configured. */
  get judge(): string {
    return this.options.model?.model ?? HEURISTIC_JUDGE;
  }

  async judgeAll(media: Media | null, releases: readonly ReleaseToJudge[]): Promise<ReleaseVerdict[]> {
    const forModel = this.client ? releases.slice(0, this.options.modelMaxReleases) : [];
    const answers = await this.askModel(media, forModel);
    return releases.map((release) => {
      const answer = answers.get(release.releaseId) ?? { ...judgeRelease(media, release), judgedBy: HEURISTIC_JUDGE };
      verdicts.inc({ judge: answer.judgedBy === HEURISTIC_JUDGE ? 'heuristic' : 'model', verdict: answer.verdict });
      return {
        releaseId: release.releaseId,
        verdict: answer.verdict,
        confidence: Math.round(answer.confidence * 1000) / 1000,
        reasons: answer.reasons.slice(0, 8).map((reason) => reason.slice(0, 500)),
        scoreAdjustment: scoreAdjustmentFor(answer.verdict, answer.confidence),
        judgedBy: answer.judgedBy,
      };
    });
  }

  /** The model's answers by release id; releases it could not answer are absent. */
  private async askModel(media: Media | null, releases: readonly ReleaseToJudge[]): Promise<Map<string, CachedVerdict>> {
    const byRelease = new Map<string, CachedVerdict>();
    if (!this.client || releases.length === 0) return byRelease;
    const model = this.client.model;
    // Releases of one search that ask the same question (one name on two indexers) share it.
    const questions = new Map<string, PromptRelease>();
    const keyOf = new Map<string, string>();
    for (const release of releases) {
      const key = inferenceKey(model, PROMPT_VERSION, media, release);
      keyOf.set(release.releaseId, key);
      if (!questions.has(key)) questions.set(key, release);
    }

    const answers = new Map<string, CachedVerdict>();
    let open = [...questions.keys()];
    for (let round = 0; round < MAX_ROUNDS && open.length > 0; round++) {
      const cached = await this.cachedAmong(open);
      if (round === 0) {
        cacheHits.inc({ cache: 'inference' }, cached.size);
        cacheMisses.inc({ cache: 'inference' }, open.length - cached.size);
      }
      for (const [key, answer] of cached) answers.set(key, answer);
      const unanswered = open.filter((key) => !answers.has(key));
      if (unanswered.length === 0 || !this.breakerAllowsAnotherTry()) break;

      const batches = this.batch(unanswered.map((key) => [key, questions.get(key) as PromptRelease] as const));
      const askedElsewhere = (await Promise.all(batches.map((batch) => this.askBatch(media, batch, answers)))).flat();
      open = await this.waitForOthers(askedElsewhere, answers);
    }

    for (const [releaseId, key] of keyOf) {
      const answer = answers.get(key);
      if (answer) byRelease.set(releaseId, answer);
    }
    return byRelease;
  }

  /** Whether asking could help: no while the breaker is open (a half-open breaker lets its probe through later). */
  private breakerAllowsAnotherTry(): boolean {
    return this.breaker.state !== 'open';
  }

  /**
   * One prompt, when a slot is free: first what another replica answered meanwhile, then the
   * questions this replica could claim. Returns the keys another replica is answering.
   */
  private async askBatch(media: Media | null, batch: ReadonlyArray<readonly [string, PromptRelease]>, answers: Map<string, CachedVerdict>): Promise<string[]> {
    await this.slots.acquire();
    let claimed = new Set<string>();
    try {
      const keys = batch.map(([key]) => key);
      for (const [key, answer] of await this.cachedAmong(keys)) answers.set(key, answer);
      const open = keys.filter((key) => !answers.has(key));
      claimed = await this.claim(open);
      const mine = batch.filter(([key]) => claimed.has(key));
      if (mine.length > 0 && this.breaker.allow()) {
        const judged = await this.ask(media, mine.map(([, release]) => release));
        if (judged) {
          const fresh = new Map(mine.map(([key], index) => [key, judged[index]]));
          for (const [key, answer] of fresh) answers.set(key, answer);
          await this.storeAnswers(fresh);
          claimed.clear();
        }
      }
      return open.filter((key) => !answers.has(key) && !claimed.has(key));
    } finally {
      await this.giveUp(claimed);
      this.slots.release();
    }
  }

  /** Asks the model, once more if the answer is malformed; undefined when it could not answer. */
  private async ask(media: Media | null, releases: readonly PromptRelease[]): Promise<CachedVerdict[] | undefined> {
    const client = this.client as ChatCompletionsClient;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        const answer = await client.completeJson({
          system: systemMessage(),
          user: buildUserMessage(media, releases),
          schema: verdictSchema(releases.length),
          maxTokens: maxTokensFor(releases.length),
        });
        let read;
        try {
          read = readVerdicts(answer.json, releases.length);
        } catch (error) {
          throw new ModelAnswerError((error as Error).message);
        }
        this.breaker.succeeded();
        return read.map((verdict) => ({ ...verdict, judgedBy: client.model }));
      } catch (error) {
        outcome = outcomeOf(error);
        if (!(error instanceof ModelError)) throw error;
        const retry = error instanceof ModelAnswerError && attempt === 1;
        this.logger.warn(`model ${client.model}: ${error.message}${retry ? '; asking once more' : '; the heuristic judges these releases'}`);
        if (!retry) {
          this.breaker.failed(error instanceof ModelRateLimitedError ? error.retryAfterMs : undefined);
          return undefined;
        }
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        inferenceDuration.observe({ model: client.model, outcome }, seconds);
        modelCalls.inc({ model: client.model, outcome });
      }
    }
    return undefined;
  }

  /**
   * Waits while another replica answers: until each question is answered, or no longer in
   * flight (its asker failed or died). Returns those left unanswered, to be asked again.
   */
  private async waitForOthers(keys: readonly string[], answers: Map<string, CachedVerdict>): Promise<string[]> {
    let waiting = [...keys];
    const deadline = Date.now() + this.inflightTtlMs() + this.options.singleFlightPollMs;
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.options.singleFlightPollMs));
      const found = await this.cachedAmong(waiting);
      for (const [key, answer] of found) answers.set(key, answer);
      sharedAnswers.inc(found.size);
      waiting = waiting.filter((key) => !answers.has(key));
      const stillAsked = await this.inflightAmong(waiting);
      const abandoned = waiting.filter((key) => !stillAsked.has(key));
      // One more look: the answer may have landed between the two reads.
      if (abandoned.length > 0) for (const [key, answer] of await this.cachedAmong(abandoned)) answers.set(key, answer);
      if (abandoned.some((key) => !answers.has(key))) return waiting.filter((key) => !answers.has(key));
      waiting = waiting.filter((key) => !answers.has(key));
    }
    return waiting;
  }

  /** Splits questions into prompts of at most `batchSize` releases and `promptMaxChars` characters of titles. */
  private batch<T extends readonly [string, PromptRelease]>(questions: readonly T[]): T[][] {
    const batches: T[][] = [];
    let current: T[] = [];
    let chars = 0;
    for (const question of questions) {
      const length = question[1].title.length;
      if (current.length > 0 && (current.length >= this.options.batchSize || chars + length > this.options.promptMaxChars)) {
        batches.push(current);
        current = [];
        chars = 0;
      }
      current.push(question);
      chars += length;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  /** An asker holds a question for at most one call and its retry, plus a margin. */
  private inflightTtlMs(): number {
    return 2 * (this.options.model?.timeoutMs ?? 0) + 5_000;
  }

  // Redis holds nothing that cannot be rebuilt: while it is down, the oracle asks the model
  // without cache or single-flight rather than stop judging.

  private async cachedAmong(keys: readonly string[]): Promise<Map<string, CachedVerdict>> {
    try {
      return await this.cache.getMany(keys);
    } catch (error) {
      this.logger.warn(`inference cache unavailable: ${(error as Error).message}`);
      return new Map();
    }
  }

  private async claim(keys: readonly string[]): Promise<Set<string>> {
    try {
      return await this.cache.claim(keys, this.inflightTtlMs());
    } catch {
      return new Set(keys);
    }
  }

  private async inflightAmong(keys: readonly string[]): Promise<Set<string>> {
    try {
      return await this.cache.inflight(keys);
    } catch {
      return new Set();
    }
  }

  private async storeAnswers(answers: ReadonlyMap<string, CachedVerdict>): Promise<void> {
    try {
      await this.cache.store(answers);
    } catch (error) {
      this.logger.warn(`inference cache unavailable, answers not kept: ${(error as Error).message}`);
    }
  }

  private async giveUp(keys: ReadonlySet<string>): Promise<void> {
    if (keys.size === 0) return;
    try {
      await this.cache.release(keys);
    } catch {
      // They expire by themselves.
    }
  }
}

function outcomeOf(error: unknown): string {
  if (!(error instanceof ModelError)) return 'error';
  if (error instanceof ModelAnswerError) return 'malformed';
  if (error instanceof ModelRateLimitedError) return 'rate_limited';
  return error.retryable ? 'unavailable' : 'refused';
}
