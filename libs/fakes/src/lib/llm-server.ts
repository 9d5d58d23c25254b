import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultLlmJudge, type FakeLlmJudge, type FakeLlmJudgement } from './llm/judge';
import {
  completion,
  type FakeLlmChat,
  type FakeLlmReply,
  type FakeLlmRequestFacts,
  internalError,
  invalidApiKey,
  invalidRequest,
  invalidUrl,
  loadingModel,
  modelList,
  modelNotFound,
  payloadTooLarge,
  rateLimited,
  readChat,
  truncated,
  verdictsContent,
  wrongShapeContent,
} from './llm/wire';
import { listenOnLoopback } from './listen-on-loopback';

export { defaultLlmJudge, normaliseTitle } from './llm/judge';
export type { FakeLlmJudge, FakeLlmJudgement, FakeLlmRelease, FakeLlmVerdict, FakeLlmWanted } from './llm/judge';

export type FakeLlmFailure = 'http500' | 'http503' | 'http429' | 'malformed-json' | 'wrong-shape' | 'missing-verdicts' | 'reset';

/**
 * What can go wrong, as seen from a client. Faults touch only valid chat completions: a health
 * probe or a model list stays quick and healthy, and a client bug still gets its 4xx.
 */
export interface FakeLlmFaults {
  /** Each chat answer is held back this long before it is queued for a slot (a model slower than the client's timeout). */
  delayMs?: number;
  /**
   * `http500`, `http503` (llama-server loading its weights), `http429` (with `Retry-After`):
   * error bodies, without using a slot. `malformed-json` (content cut in the middle),
   * `wrong-shape` (valid JSON against the schema), `missing-verdicts` (one verdict short): a
   * 200 after generating. `reset`: the connection is destroyed without an answer.
   */
  fail?: FakeLlmFailure;
  /** Apply `fail` to the next N chat completions only, then answer normally; every one when absent. */
  failNext?: number;
  /** The `Retry-After` of `http429`; 1 by default. */
  retryAfterSeconds?: number;
}

/** Generation time: `baseMs + perReleaseMs * releases`, spent holding a slot. */
export interface FakeLlmLatency {
  baseMs: number;
  perReleaseMs: number;
}

export interface FakeLlmOptions extends FakeLlmFaults {
  /** Models served; the first is `model`. Default `['qwen2.5-3b-instruct']`. */
  models?: readonly string[];
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. None by default, like a local llama-server. */
  apiKey?: string;
  /** Completions generated at once, like llama-server's `--parallel`; the others wait in FIFO order. Default 1. */
  slots?: number;
  /** Default `{ baseMs: 0, perReleaseMs: 0 }`; a small board is about `{ baseMs: 300, perReleaseMs: 60 }`. */
  latency?: Partial<FakeLlmLatency>;
  /** Decides each release's verdict; `defaultLlmJudge` by default. */
  judge?: FakeLlmJudge;
}

export interface FakeLlmRequest {
  readonly method: string;
  readonly path: string;
  readonly model?: string;
  readonly releaseCount?: number;
  /** The release names judged, in order (the prompt text is not recorded). */
  readonly titles?: readonly string[];
  /** Absent while the answer is pending, or when the connection was reset. */
  readonly status?: number;
  /** Whether a chat request asked for a JSON schema answer. */
  readonly hasSchema: boolean;
  /** Whether the request carried the right key (always true without `apiKey`); the key itself is never recorded. */
  readonly authorized: boolean;
}

export interface FakeLlm {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:40123`; an OpenAI client takes `${url}/v1`. */
  readonly url: string;
  /** The first of `models`. */
  readonly model: string;
  readonly models: readonly string[];
  /** Every request received, in order (a live view). */
  readonly requests: readonly FakeLlmRequest[];
  /** Chat completions answered 200 with a full, well-formed set of verdicts: the model calls that counted. */
  readonly completions: number;
  /** The most chat completions in flight at once (received, not yet answered or abandoned). */
  readonly maxConcurrent: number;
  /** The most completions holding a slot at once; never above `slots`. */
  readonly maxGenerating: number;
  /** Forgets the requests, the completions and the maxima (e.g. after a benchmark's warm-up). */
  resetCounters(): void;
  /** Replaces the faults as a whole (and restarts the `failNext` count). */
  setFaults(faults: FakeLlmFaults): void;
  /** Cancels pending answers and their timers, and closes the server and every connection. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['qwen2.5-3b-instruct'];
const MAX_BODY_BYTES = 8 * 1024 * 1024;

type MutableRequest = { -readonly [K in keyof FakeLlmRequest]: FakeLlmRequest[K] } & FakeLlmRequestFacts;

class TooLarge extends Error {}

/** FIFO slots: a completion waits for one, holds it while it generates, hands it to the next waiting. */
class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  maxBusy = 0;

  constructor(private readonly size: number) {}

  /** Resolves once a slot is held; rejects if `signal` aborts first (the client left, or the server closes). */
  async acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.busy < this.size) {
      this.busy += 1;
      this.maxBusy = Math.max(this.maxBusy, this.busy);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }

  resetMax(): void {
    this.maxBusy = this.busy;
  }
}

/**
 * A local OpenAI-compatible LLM server on 127.0.0.1 for tests and benchmarks: the chat
 * completions the oracle sends (structured output, one line of JSON to judge), `/v1/models`,
 * llama.cpp's `/health`, optional bearer auth, llama-server's slots and generation time, and
 * injectable faults (errors, broken content, resets, delays).
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const models = [...(options.models ?? DEFAULT_MODELS)];
  if (models.length === 0) throw new Error('startFakeLlm: models must name at least one model');
  const slots = new Slots(Math.max(1, Math.floor(options.slots ?? 1)));
  const latency: FakeLlmLatency = { baseMs: options.latency?.baseMs ?? 0, perReleaseMs: options.latency?.perReleaseMs ?? 0 };
  const judge = options.judge ?? defaultLlmJudge;
  const apiKey = options.apiKey;
  const createdAt = Math.floor(Date.now() / 1000);
  let faults: FakeLlmFaults = pickFaults(options);
  let failuresLeft = faults.failNext;
  const requests: MutableRequest[] = [];
  const inFlight = new Set<AbortController>();
  let completions = 0;
  let maxConcurrent = 0;

  /** The failure for this completion, counting it against `failNext`. */
  function takeFailure(): FakeLlmFailure | undefined {
    if (faults.fail === undefined) return undefined;
    if (failuresLeft === undefined) return faults.fail;
    if (failuresLeft <= 0) return undefined;
    failuresLeft -= 1;
    return faults.fail;
  }

  function send(res: ServerResponse, recorded: MutableRequest, reply: FakeLlmReply): void {
    if (res.destroyed || res.socket?.destroyed) return;
    recorded.status = reply.status;
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, recorded: MutableRequest): Promise<void> {
    if (!recorded.authorized) return send(res, recorded, invalidApiKey());
    const { method, path } = recorded;
    if (method === 'GET' && path === '/health') return send(res, recorded, { status: 200, body: { status: 'ok' } });
    if (method === 'GET' && path === '/v1/models') return send(res, recorded, modelList(models, createdAt));
    if (method === 'POST' && path === '/v1/chat/completions') return chat(req, res, recorded);
    return send(res, recorded, invalidUrl(method, path));
  }

  async function chat(req: IncomingMessage, res: ServerResponse, recorded: MutableRequest): Promise<void> {
    const controller = new AbortController();
    inFlight.add(controller);
    maxConcurrent = Math.max(maxConcurrent, inFlight.size);
    // Whether answered or abandoned by the client: llama-server, too, cancels a task whose connection closed.
    res.once('close', () => {
      inFlight.delete(controller);
      controller.abort();
    });
    const { signal } = controller;

    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      return send(res, recorded, error instanceof TooLarge ? payloadTooLarge() : invalidRequest('We could not parse the JSON body of your request.'));
    }
    const read = readChat(body, recorded);
    if (!('wanted' in read)) return send(res, recorded, read);
    if (!models.includes(read.model)) return send(res, recorded, modelNotFound(read.model));

    const failure = takeFailure();
    const retryAfterSeconds = faults.retryAfterSeconds ?? 1;
    if (faults.delayMs) await sleep(faults.delayMs, undefined, { signal });
    if (failure === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (failure === 'http500') return send(res, recorded, internalError());
    if (failure === 'http503') return send(res, recorded, loadingModel());
    if (failure === 'http429') return send(res, recorded, rateLimited(retryAfterSeconds));

    const judgements = await generate(read, signal);
    const content =
      failure === 'malformed-json'
        ? truncated(verdictsContent(read.releases, judgements))
        : failure === 'wrong-shape'
          ? wrongShapeContent(read.releases)
          : failure === 'missing-verdicts'
            ? verdictsContent(read.releases.slice(0, -1), judgements)
            : verdictsContent(read.releases, judgements);
    send(res, recorded, completion(read.model, content, read.promptChars));
    if (failure === undefined && recorded.status === 200) completions += 1;
  }

  /** Judges the releases while holding a slot for the generation time. */
  async function generate(chat: FakeLlmChat, signal: AbortSignal): Promise<FakeLlmJudgement[]> {
    await slots.acquire(signal);
    try {
      const judgements = chat.releases.map((release) => judge(chat.wanted, release));
      const ms = latency.baseMs + latency.perReleaseMs * chat.releases.length;
      if (ms > 0) await sleep(ms, undefined, { signal });
      return judgements;
    } finally {
      slots.release();
    }
  }

  const server = createServer((req, res) => {
    const recorded: MutableRequest = {
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      hasSchema: false,
      authorized: apiKey === undefined || req.headers.authorization === `Bearer ${apiKey}`,
    };
    requests.push(recorded);
    handle(req, res, recorded).catch(() => {
      // Aborted (client gone, server closing): nobody to answer. Otherwise a bug or a throwing judge: a 500 shows it.
      if (!res.headersSent && !req.socket.destroyed) send(res, recorded, internalError());
    });
  });

  const url = await listenOnLoopback(server);

  return {
    url,
    model: models[0] as string,
    models,
    requests,
    get completions() {
      return completions;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    get maxGenerating() {
      return slots.maxBusy;
    },
    resetCounters(): void {
      requests.length = 0;
      completions = 0;
      maxConcurrent = inFlight.size;
      slots.resetMax();
    },
    setFaults(next: FakeLlmFaults): void {
      faults = pickFaults(next);
      failuresLeft = faults.failNext;
    },
    async close(): Promise<void> {
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function pickFaults(from: FakeLlmFaults): FakeLlmFaults {
  return { delayMs: from.delayMs, fail: from.fail, failNext: from.failNext, retryAfterSeconds: from.retryAfterSeconds };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
