import { randomBytes } from 'node:crypto';
import type { FakeLlmJudgement, FakeLlmRelease, FakeLlmWanted } from './judge';

/**
 * The OpenAI chat-completions wire format as llama-server, Ollama, vLLM and LM Studio speak
 * it: the request the oracle sends, the envelopes and the error bodies it must cope with.
 */

export interface FakeLlmReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** OpenAI's error body; `param` and `code` are null unless the error has them. */
export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | number | null = null,
  headers?: Record<string, string>,
): FakeLlmReply {
  return { status, body: { error: { message, type, param: null, code } }, headers };
}

export const invalidRequest = (message: string): FakeLlmReply => openAiError(400, message, 'invalid_request_error');
export const invalidUrl = (method: string, path: string): FakeLlmReply => openAiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
export const invalidApiKey = (): FakeLlmReply => openAiError(401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
export const modelNotFound = (model: string): FakeLlmReply => openAiError(404, `model '${model}' not found`, 'invalid_request_error', 'model_not_found');
export const internalError = (): FakeLlmReply => openAiError(500, 'internal server error', 'server_error', 500);
/** What llama-server answers while it is still loading the weights. */
export const loadingModel = (): FakeLlmReply => openAiError(503, 'Loading model', 'unavailable_error', 503);
export const rateLimited = (retryAfterSeconds: number): FakeLlmReply =>
  openAiError(429, 'Rate limit reached for requests. Please try again later.', 'rate_limit_error', 'rate_limit_exceeded', {
    'Retry-After': String(retryAfterSeconds),
  });
export const payloadTooLarge = (): FakeLlmReply => openAiError(413, 'request body too large', 'invalid_request_error');

/** A chat request the fake can answer: the model asked for, and what is to be judged. */
export interface FakeLlmChat {
  readonly model: string;
  readonly wanted: FakeLlmWanted;
  readonly releases: readonly FakeLlmRelease[];
  /** All message text, for the usage estimate. */
  readonly promptChars: number;
}

/** What could be read of a request before it was found valid or not: recorded either way. */
export interface FakeLlmRequestFacts {
  model?: string;
  hasSchema: boolean;
  releaseCount?: number;
  titles?: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumberOrNull = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));

/** True when the request asks for structured output the way the oracle must. */
export function hasJsonSchema(body: Record<string, unknown>): boolean {
  const format = body['response_format'];
  return isObject(format) && format['type'] === 'json_schema' && isObject(format['json_schema']) && isObject(format['json_schema']['schema']);
}

/**
 * Reads a chat-completions body. Anything the protocol does not allow is a 400 naming the
 * problem, so a client bug shows as one instead of as an odd verdict.
 */
export function readChat(body: unknown, facts: FakeLlmRequestFacts): FakeLlmChat | FakeLlmReply {
  if (!isObject(body)) return invalidRequest('We could not parse the JSON body of your request.');
  facts.hasSchema = hasJsonSchema(body);
  const model = body['model'];
  if (typeof model !== 'string' || model === '') return invalidRequest('you must provide a model parameter');
  facts.model = model;

  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return invalidRequest("'messages' must be a non-empty array");
  let promptChars = 0;
  for (const message of messages) {
    if (!isObject(message) || !['system', 'user', 'assistant'].includes(message['role'] as string) || typeof message['content'] !== 'string') {
      return invalidRequest("each message needs a role (system, user or assistant) and a string 'content'");
    }
    promptChars += message['content'].length;
  }
  if (body['stream'] === true) return invalidRequest('the fake answers only stream:false requests');
  if (!facts.hasSchema) return invalidRequest("'response_format' must be { type: 'json_schema', json_schema: { name, strict, schema } }");

  const lastUser = [...messages].reverse().find((message: Record<string, unknown>) => message['role'] === 'user') as { content: string } | undefined;
  if (!lastUser) return invalidRequest('there is no user message');
  const lastLine = lastUser.content.trimEnd().split('\n').pop()?.trim() ?? '';
  let payload: unknown;
  try {
    payload = JSON.parse(lastLine);
  } catch {
    return invalidRequest('the last line of the last user message must be the JSON object {"wanted":…,"releases":[…]}');
  }
  const problem = payloadProblem(payload);
  if (problem !== undefined) return invalidRequest(`the last line of the last user message: ${problem}`);
  const { wanted, releases } = payload as { wanted: FakeLlmWanted; releases: FakeLlmRelease[] };
  facts.releaseCount = releases.length;
  facts.titles = releases.map((release) => release.title);
  return { model, wanted, releases, promptChars };
}

/** Why the one-line payload breaks the protocol, or undefined when it does not. */
function payloadProblem(payload: unknown): string | undefined {
  if (!isObject(payload)) return 'not a JSON object';
  const wanted = payload['wanted'];
  if (!isObject(wanted)) return "'wanted' must be an object";
  if (wanted['kind'] !== 'movie' && wanted['kind'] !== 'series') return "'wanted.kind' must be 'movie' or 'series'";
  if (typeof wanted['title'] !== 'string' || wanted['title'].trim() === '') return "'wanted.title' must be a non-empty string";
  for (const field of ['year', 'season', 'episode']) {
    if (!isNumberOrNull(wanted[field])) return `'wanted.${field}' must be a number or null`;
  }
  const releases = payload['releases'];
  if (!Array.isArray(releases) || releases.length === 0) return "'releases' must be a non-empty array";
  const seen = new Set<number>();
  for (const [index, release] of releases.entries()) {
    if (!isObject(release)) return `'releases[${index}]' must be an object`;
    const n = release['n'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return `'releases[${index}].n' must be an integer from 1`;
    if (seen.has(n)) return `'releases[${index}].n' repeats ${n}`;
    seen.add(n);
    if (typeof release['title'] !== 'string' || release['title'] === '') return `'releases[${index}].title' must be a non-empty string`;
    if (release['sizeBytes'] !== undefined && !isNumberOrNull(release['sizeBytes'])) return `'releases[${index}].sizeBytes' must be a number`;
    if (release['quality'] !== undefined && release['quality'] !== null && typeof release['quality'] !== 'string') {
      return `'releases[${index}].quality' must be a string`;
    }
  }
  return undefined;
}

/** The content the client's schema asks for: one verdict per release, in order. */
export function verdictsContent(releases: readonly FakeLlmRelease[], judgements: readonly FakeLlmJudgement[]): string {
  return JSON.stringify({
    verdicts: releases.map((release, index) => {
      const judgement = judgements[index] as FakeLlmJudgement;
      return { n: release.n, verdict: judgement.verdict, confidence: judgement.confidence, reasons: judgement.reasons };
    }),
  });
}

/** Valid JSON a sloppy model might produce in spite of the schema: a verdict word it was not offered, a confidence of 7. */
export function wrongShapeContent(releases: readonly FakeLlmRelease[]): string {
  return JSON.stringify({ verdicts: releases.map((release) => ({ n: release.n, verdict: 'yes', confidence: 7, reasons: 'looks right' })) });
}

/** The content cut in the middle, as when generation stops at a token limit. */
export function truncated(content: string): string {
  return content.slice(0, Math.max(1, Math.floor(content.length / 2)));
}

/** Tokens as a rough four characters each: enough for a client that logs or budgets usage. */
const tokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/** A `chat.completion` envelope around the assistant's content. */
export function completion(model: string, content: string, promptChars: number): FakeLlmReply {
  const promptTokens = tokens(promptChars);
  const completionTokens = tokens(content.length);
  return {
    status: 200,
    body: {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

export function modelList(models: readonly string[], created: number): FakeLlmReply {
  return { status: 200, body: { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'sokoul-fake' })) } };
}
