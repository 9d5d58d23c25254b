import { type FakeLlm, startFakeLlm } from '@sokoul/fakes';
import { ChatCompletionsClient, type JsonCompletionRequest } from './chat-completions.client';
import { ModelAnswerError, ModelRateLimitedError, ModelRefusedError, ModelUnavailableError } from './model.errors';

const schema = { name: 'release_verdicts', schema: { type: 'object', properties: { verdicts: { type: 'array' } }, required: ['verdicts'] } };

function question(...titles: string[]): JsonCompletionRequest {
  const data = { wanted: { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null }, releases: titles.map((title, i) => ({ n: i + 1, title, sizeBytes: 9_000_000_000, quality: 'Bluray-1080p' })) };
  return { system: 'Judge releases.', user: `Judge these:\n${JSON.stringify(data)}`, schema, maxTokens: 400 };
}

describe('ChatCompletionsClient against an OpenAI-compatible server', () => {
  let llm: FakeLlm;
  const apiKey = 'sk-local-0123456789abcdef';
  const client = (overrides: Partial<ConstructorParameters<typeof ChatCompletionsClient>[0]> = {}) =>
    new ChatCompletionsClient({ baseUrl: `${llm.url}/v1`, model: llm.model, apiKey, timeoutMs: 2_000, ...overrides });

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey });
  });
  afterAll(() => llm.close());
  beforeEach(() => llm.setFaults({}));

  it('sends the schema as response_format and returns the JSON answer', async () => {
    const answer = await client().completeJson(question('The.Matrix.1999.1080p.BluRay.x264-SPARKS', 'The.Matrix.Reloaded.2003.1080p.BluRay.x264'));

    expect(answer.model).toBe(llm.model);
    expect(answer.json).toMatchObject({ verdicts: [{ n: 1, verdict: 'match' }, { n: 2, verdict: 'mismatch' }] });
    expect(llm.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', hasSchema: true, authorized: true, releaseCount: 2 });
  });

  it('takes a base URL with a trailing slash', async () => {
    await expect(client({ baseUrl: `${llm.url}/v1/` }).completeJson(question('The.Matrix.1999.720p.WEB-DL'))).resolves.toMatchObject({ json: { verdicts: [{ n: 1 }] } });
  });

  it('reports a wrong key or an unknown model as refused (a configuration fix, not a retry)', async () => {
    const wrongKey = client({ apiKey: 'sk-wrong-key-000000000000' }).completeJson(question('x'));
    await expect(wrongKey).rejects.toBeInstanceOf(ModelRefusedError);
    await expect(wrongKey).rejects.toMatchObject({ retryable: false, httpStatus: 401 });
    await expect(client({ model: 'llama-9000' }).completeJson(question('x'))).rejects.toMatchObject({ httpStatus: 404, message: expect.stringContaining("model 'llama-9000' not found") });
  });

  it('never puts the API key into an error message', async () => {
    llm.setFaults({ fail: 'http500' });
    const error = await client().completeJson(question('x')).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(apiKey);
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });

  it.each([
    ['http500', ModelUnavailableError],
    ['http503', ModelUnavailableError],
    ['reset', ModelUnavailableError],
    ['malformed-json', ModelAnswerError],
  ] as const)('classifies %s', async (fail, type) => {
    llm.setFaults({ fail });
    const error = await client().completeJson(question('The.Matrix.1999.1080p')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as ModelUnavailableError).retryable).toBe(true);
  });

  it('passes on how long a 429 asks to wait', async () => {
    llm.setFaults({ fail: 'http429', retryAfterSeconds: 7 });
    const error = await client().completeJson(question('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRateLimitedError);
    expect((error as ModelRateLimitedError).retryAfterMs).toBe(7_000);
  });

  it('gives up on a slow model after its timeout', async () => {
    llm.setFaults({ delayMs: 1_500 });
    await expect(client({ timeoutMs: 200 }).completeJson(question('x'))).rejects.toMatchObject({ name: 'ModelUnavailableError', message: expect.stringContaining('within 200 ms') });
  });

  it('reports a server that is not there as unavailable', async () => {
    await expect(client({ baseUrl: 'http://127.0.0.1:9/v1' }).completeJson(question('x'))).rejects.toBeInstanceOf(ModelUnavailableError);
  });
});
