import { z } from 'zod';

/*
 * The prompt the model judges releases with: its text, the JSON schema its answer must follow
 * and how the answer is read. Tune it here. Any change to what the model is asked must bump
 * PROMPT_VERSION: the version is part of every cache key, so answers to an older prompt are
 * never served for the new one.
 */

export const PROMPT_VERSION = 'verdict-v1';

/** What was searched for, as the model is told (structurally `Media` of @sokoul/contracts). */
export interface PromptMedia {
  kind: 'movie' | 'series';
  title: string;
  year: number | null;
  season: number | null;
  episode: number | null;
}

export interface PromptRelease {
  title: string;
  sizeBytes: number;
  quality: string;
}

const SYSTEM = `You check torrent release names for a media library.
For each numbered release, decide whether it really is the film or episode that was asked for:
- "match": the same title (allowing punctuation, accents and spelling variants), the same year (±1) for a film, the asked season and episode for a series (a full-season pack of that season counts);
- "mismatch": a different film or show (a sequel, a remake of another year, a namesake), the wrong year, season or episode; a cam, telesync or telecine recording; a fake (an executable, a password-protected archive, a "codec pack"); a quality label its size cannot hold (a 2160p film of a few hundred megabytes);
- "uncertain": the name does not say enough to decide.
Give a confidence between 0 and 1 and one to three short reasons, in English, naming what you saw in the release name.
Answer only with JSON that follows the schema, one verdict per release, in the order given.`;

/** The user message: a sentence for the model, then the data as one line of compact JSON (the last line). */
export function buildUserMessage(media: PromptMedia | null, releases: readonly PromptRelease[]): string {
  const wanted = media
    ? { kind: media.kind, title: media.title, year: media.year, season: media.season, episode: media.episode }
    : { kind: 'movie', title: 'unknown', year: null, season: null, episode: null };
  const data = {
    wanted,
    releases: releases.map((release, index) => ({ n: index + 1, title: release.title, sizeBytes: release.sizeBytes, size: humanSize(release.sizeBytes), quality: release.quality })),
  };
  const asked = media ? describe(media) : 'an unknown title (judge only whether each release is a real, honest release)';
  return `Asked for: ${asked}.\nJudge these ${releases.length} release${releases.length === 1 ? '' : 's'}:\n${JSON.stringify(data)}`;
}

export function systemMessage(): string {
  return SYSTEM;
}

function describe(media: PromptMedia): string {
  if (media.kind === 'movie') return `the film "${media.title}"${media.year === null ? '' : ` (${media.year})`}`;
  const episode = media.season === null ? '' : media.episode === null ? `, season ${media.season}` : `, season ${media.season} episode ${media.episode}`;
  return `the series "${media.title}"${media.year === null ? '' : ` (${media.year})`}${episode}`;
}

function humanSize(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** The answer's JSON Schema, sent as `response_format` (llama.cpp and Ollama turn it into a grammar). */
export function verdictSchema(count: number): { name: string; schema: Record<string, unknown> } {
  return {
    name: 'release_verdicts',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['verdicts'],
      properties: {
        verdicts: {
          type: 'array',
          minItems: count,
          maxItems: count,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['n', 'verdict', 'confidence', 'reasons'],
            properties: {
              n: { type: 'integer', minimum: 1, maximum: count },
              verdict: { type: 'string', enum: ['match', 'mismatch', 'uncertain'] },
              confidence: { type: 'number', minimum: 0, maximum: 1 },
              reasons: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', maxLength: 300 } },
            },
          },
        },
      },
    },
  };
}

/** Tokens to allow for the answer: generous, a cut answer is worth nothing. */
export function maxTokensFor(count: number): number {
  return 64 + count * 160;
}

const answerSchema = z.object({
  verdicts: z.array(
    z.object({
      n: z.int().min(1),
      verdict: z.enum(['match', 'mismatch', 'uncertain']),
      confidence: z.number().min(0).max(1),
      reasons: z.array(z.string().trim().min(1).max(500)).min(1).max(8),
    }),
  ),
});

export interface ModelVerdict {
  verdict: 'match' | 'mismatch' | 'uncertain';
  confidence: number;
  reasons: string[];
}

/**
 * The answer checked again on receipt (servers that ignore the schema exist): one verdict for
 * each of the `count` releases, by number. Throws with what is wrong.
 */
export function readVerdicts(json: unknown, count: number): ModelVerdict[] {
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the answer does not follow the schema: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const byNumber = new Map<number, ModelVerdict>();
  for (const { n, verdict, confidence, reasons } of parsed.data.verdicts) {
    if (n > count || byNumber.has(n)) throw new Error(`the answer numbers a release ${n} twice or out of range (1–${count})`);
    byNumber.set(n, { verdict, confidence, reasons: reasons.slice(0, 3) });
  }
  const verdicts: ModelVerdict[] = [];
  for (let n = 1; n <= count; n++) {
    const verdict = byNumber.get(n);
    if (!verdict) throw new Error(`the answer has no verdict for release ${n} of ${count}`);
    verdicts.push(verdict);
  }
  return verdicts;
}
