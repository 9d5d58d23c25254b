import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { ModelVerdict, PromptMedia, PromptRelease } from './verdict-prompt';

/** A cached model answer for one release. */
export interface CachedVerdict extends ModelVerdict {
  judgedBy: string;
}

const VERDICT_PREFIX = 'oracle:verdict:';
const INFLIGHT_PREFIX = 'oracle:inflight:';

// Deletes the in-flight mark only while it is still ours: a mark that expired and was taken
// over by another replica is left to that replica.
const RELEASE_IF_OWNER = `
  if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
  return 0`;

/**
 * The cache key of one question: (model, prompt version, what was asked for, the release).
 * Normalised so that spelling that cannot change the answer (case, spacing, Unicode forms)
 * shares an entry; the size goes in rounded as the prompt shows it, since the answer may
 * depend on it (a "2160p" of 400 MiB).
 */
export function inferenceKey(model: string, promptVersion: string, media: PromptMedia | null, release: PromptRelease): string {
  const wanted = media ? [media.kind, normalise(media.title), media.year ?? '', media.season ?? '', media.episode ?? ''].join('|') : '-';
  const sizeClass = (release.sizeBytes / 1024 ** 3).toFixed(1);
  return createHash('sha256').update([model, promptVersion, wanted, normalise(release.title), sizeClass, release.quality].join('\u0000')).digest('base64url');
}

function normalise(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Model answers in Redis, shared by every oracle replica, with single-flight: before asking
 * the model about a release, a replica marks the question in flight (`SET NX PX`); another
 * replica (or search) asking the same waits for the answer instead of asking again. A mark
 * outlives no crash: it expires after `inflightTtlMs`.
 */
export class InferenceCache {
  private readonly owner = randomBytes(9).toString('base64url');

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** The cached answers among `keys` (missing keys are absent from the map). */
  async getMany(keys: readonly string[]): Promise<Map<string, CachedVerdict>> {
    const found = new Map<string, CachedVerdict>();
    if (keys.length === 0) return found;
    const values = await this.redis.mget(keys.map((key) => VERDICT_PREFIX + key));
    values.forEach((value, index) => {
      const verdict = value === null ? undefined : parseCached(value);
      if (verdict) found.set(keys[index], verdict);
    });
    return found;
  }

  /** Marks the questions in flight for this replica; returns those it got (the others are someone else's). */
  async claim(keys: readonly string[], inflightTtlMs: number): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(INFLIGHT_PREFIX + key, this.owner, 'PX', inflightTtlMs, 'NX');
    const results = answered(await pipeline.exec());
    return new Set(keys.filter((_, index) => results[index]?.[1] === 'OK'));
  }

  /** Stores the answers and clears their in-flight marks. */
  async store(answers: ReadonlyMap<string, CachedVerdict>): Promise<void> {
    if (answers.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, verdict] of answers) pipeline.set(VERDICT_PREFIX + key, JSON.stringify(verdict), 'EX', this.ttlSeconds);
    for (const key of answers.keys()) pipeline.eval(RELEASE_IF_OWNER, 1, INFLIGHT_PREFIX + key, this.owner);
    answered(await pipeline.exec());
  }

  /** Gives questions up (the model failed): waiting replicas may then ask themselves. */
  async release(keys: Iterable<string>): Promise<void> {
    const pipeline = this.redis.pipeline();
    let any = false;
    for (const key of keys) {
      pipeline.eval(RELEASE_IF_OWNER, 1, INFLIGHT_PREFIX + key, this.owner);
      any = true;
    }
    if (any) await pipeline.exec();
  }

  /** Which of `keys` are still in flight somewhere. */
  async inflight(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.exists(INFLIGHT_PREFIX + key);
    const results = answered(await pipeline.exec());
    return new Set(keys.filter((_, index) => results[index]?.[1] === 1));
  }
}

/**
 * A pipeline on a dead connection answers each command with an error rather than rejecting:
 * read as answers, "not claimed" would look like another replica asking. Throws instead.
 */
function answered(results: Array<[Error | null, unknown]> | null): Array<[Error | null, unknown]> {
  const failed = results?.find(([error]) => error !== null);
  if (!results || failed) throw failed?.[0] ?? new Error('the pipeline was not executed');
  return results;
}

function parseCached(value: string): CachedVerdict | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<CachedVerdict>;
    const valid =
      (parsed.verdict === 'match' || parsed.verdict === 'mismatch' || parsed.verdict === 'uncertain') &&
      typeof parsed.confidence === 'number' &&
      Array.isArray(parsed.reasons) &&
      typeof parsed.judgedBy === 'string';
    return valid ? (parsed as CachedVerdict) : undefined;
  } catch {
    return undefined;
  }
}
