import { ModelAnswerError, ModelRateLimitedError, ModelRefusedError, ModelUnavailableError } from './model.errors';

export interface ChatCompletionsOptions {
  /** The OpenAI-compatible base URL, `/v1` included: `http://127.0.0.1:8080/v1` (llama.cpp), `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; local servers usually need none. */
  apiKey?: string;
  /** For the whole call, answer included: a small board takes seconds per prompt. */
  timeoutMs: number;
  /** The HTTP implementation; global `fetch` by default. */
  fetch?: typeof fetch;
}

export interface JsonCompletionRequest {
  system: string;
  user: string;
  /** A JSON Schema the answer must follow (`response_format: json_schema`, honoured by llama.cpp, Ollama, vLLM, LM Studio). */
  schema: { name: string; schema: Record<string, unknown> };
  maxTokens: number;
}

export interface JsonCompletion {
  /** The parsed JSON of the answer: still to be validated by the caller. */
  json: unknown;
  model: string;
  promptTokens?: number;
  completionTokens?: number;
}

interface ChatCompletionBody {
  model?: unknown;
  choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

/**
 * The one call the oracle needs from the chat-completions API every local model server
 * speaks: a system and a user message in, JSON constrained by a schema out, at temperature 0
 * so the same question gets the same answer (which is what makes caching answers honest).
 */
export class ChatCompletionsClient {
  private readonly fetchImpl: typeof fetch;
  private readonly endpoint: string;
  /** For messages: the origin only, so neither a path secret nor the key can reach a log. */
  readonly server: string;

  constructor(private readonly options: ChatCompletionsOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    const base = new URL(options.baseUrl);
    this.server = base.origin;
    this.endpoint = `${base.href.replace(/\/+$/, '')}/chat/completions`;
  }

  get model(): string {
    return this.options.model;
  }

  async completeJson(request: JsonCompletionRequest, signal?: AbortSignal): Promise<JsonCompletion> {
    const response = await this.post(request, signal);
    const body = (await this.readJson(response)) as ChatCompletionBody;
    const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
    const content = choice?.message?.content;
    if (typeof content !== 'string') throw new ModelAnswerError('no message content in the completion');
    if (choice?.finish_reason === 'length') throw new ModelAnswerError(`the answer was cut at max_tokens (${request.maxTokens})`);
    let json: unknown;
    try {
      json = JSON.parse(stripFence(content));
    } catch {
      throw new ModelAnswerError(`the content is not JSON (${content.length} characters)`);
    }
    return {
      json,
      model: typeof body.model === 'string' && body.model ? body.model : this.options.model,
      promptTokens: typeof body.usage?.prompt_tokens === 'number' ? body.usage.prompt_tokens : undefined,
      completionTokens: typeof body.usage?.completion_tokens === 'number' ? body.usage.completion_tokens : undefined,
    };
  }

  private async post(request: JsonCompletionRequest, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.options.model,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          temperature: 0,
          max_tokens: request.maxTokens,
          stream: false,
          response_format: { type: 'json_schema', json_schema: { name: request.schema.name, strict: true, schema: request.schema.schema } },
        }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted) throw new ModelUnavailableError(`no answer from ${this.server} within ${this.options.timeoutMs} ms`);
      if (signal?.aborted) throw error;
      throw new ModelUnavailableError(`${this.server} could not be reached (${causeOf(error)})`);
    }
    if (response.ok) return response;
    const detail = await errorDetail(response);
    if (response.status === 429) throw new ModelRateLimitedError(retryAfterMs(response.headers.get('retry-after')));
    if (response.status >= 500) throw new ModelUnavailableError(`${this.server} answered ${response.status}${detail ? `: ${detail}` : ''}`, response.status);
    throw new ModelRefusedError(response.status, detail || response.statusText);
  }

  private async readJson(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new ModelUnavailableError(`${this.server} sent a completion that is not JSON (${causeOf(error)})`);
    }
  }
}

/** Small models sometimes wrap JSON in a Markdown fence even when constrained; the JSON inside is what counts. */
function stripFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(content);
  return fenced ? fenced[1] : content;
}

/** OpenAI-style `{ error: { message } }` (llama.cpp, vLLM) or Ollama's `{ error: "…" }`; at most 300 characters. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown };
    const error = body.error;
    const message = typeof error === 'string' ? error : typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : '';
    return message.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

/** Model servers send delay-seconds; an HTTP-date or garbage counts as unsaid. */
function retryAfterMs(header: string | null): number | undefined {
  return header !== null && /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : undefined;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
