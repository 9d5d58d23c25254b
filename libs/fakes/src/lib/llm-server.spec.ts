import { defaultLlmJudge, type FakeLlm, type FakeLlmOptions, type FakeLlmRelease, type FakeLlmWanted, startFakeLlm } from './llm-server';

jest.setTimeout(10_000);

const servers: FakeLlm[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options?: FakeLlmOptions): Promise<FakeLlm> {
  const llm = await startFakeLlm(options);
  servers.push(llm);
  return llm;
}

const MATRIX: FakeLlmWanted = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null };
const SEVERANCE_S01E03: FakeLlmWanted = { kind: 'series', title: 'Severance', year: 2022, season: 1, episode: 3 };

const SCHEMA = {
  type: 'object',
  required: ['verdicts'],
  properties: {
    verdicts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['n', 'verdict', 'confidence', 'reasons'],
        properties: {
          n: { type: 'integer' },
          verdict: { enum: ['match', 'mismatch', 'uncertain'] },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          reasons: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

function releases(...titles: string[]): FakeLlmRelease[] {
  return titles.map((title, index) => ({ n: index + 1, title, sizeBytes: 2_000_000_000 + index, quality: 'Bluray-1080p' }));
}

/** The body the oracle sends: prose, then the one-line JSON payload as the last line of the user message. */
function chatBody(wanted: FakeLlmWanted, items: readonly FakeLlmRelease[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'qwen2.5-3b-instruct',
    messages: [
      { role: 'system', content: 'You check whether torrent releases are the film or episode that was asked for. Answer in JSON.' },
      { role: 'user', content: `Judge each release below.\nOne verdict per release, in order.\n${JSON.stringify({ wanted, releases: items })}` },
    ],
    temperature: 0,
    max_tokens: 1024,
    stream: false,
    response_format: { type: 'json_schema', json_schema: { name: 'release_verdicts', strict: true, schema: SCHEMA } },
    ...overrides,
  };
}

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read by the assertions
  body: any;
}

async function post(llm: FakeLlm, body: unknown, init: { apiKey?: string; signal?: AbortSignal; path?: string } = {}): Promise<Answer> {
  const response = await fetch(`${llm.url}${init.path ?? '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(init.apiKey ? { Authorization: `Bearer ${init.apiKey}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function get(llm: FakeLlm, path: string, apiKey?: string): Promise<Answer> {
  const response = await fetch(`${llm.url}${path}`, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {} });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read by the assertions
function verdictsOf(answer: Answer): any[] {
  return JSON.parse(answer.body.choices[0].message.content).verdicts;
}

async function judged(wanted: FakeLlmWanted, ...titles: string[]): Promise<Array<{ verdict: string; reasons: string[] }>> {
  const llm = await start();
  const answer = await post(llm, chatBody(wanted, releases(...titles)));
  expect(answer.status).toBe(200);
  return verdictsOf(answer);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('fake LLM: chat completions', () => {
  it('answers with a chat.completion envelope for the requested model', async () => {
    const llm = await start();
    const before = Math.floor(Date.now() / 1000);
    const answer = await post(llm, chatBody(MATRIX, releases('The.Matrix.1999.1080p.BluRay.x264-SPARKS')));

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^chatcmpl-\w+$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'qwen2.5-3b-instruct',
      choices: [{ index: 0, message: { role: 'assistant', content: expect.any(String) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(answer.body.created).toBeGreaterThanOrEqual(before);
    const { usage } = answer.body;
    expect(usage.prompt_tokens).toBeGreaterThan(20);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('gives exactly one verdict per release, in order, each as the schema asks', async () => {
    const llm = await start();
    const items: FakeLlmRelease[] = [
      { n: 3, title: 'The.Matrix.1999.HDCAM.x264', sizeBytes: 700_000_000, quality: 'CAM' },
      { n: 1, title: 'The.Matrix.1999.1080p.BluRay.x264-SPARKS', sizeBytes: 9_000_000_000, quality: 'Bluray-1080p' },
      { n: 2, title: 'The.Matrix.Reloaded.2003.1080p.BluRay.x264-SPARKS', sizeBytes: 9_000_000_000, quality: 'Bluray-1080p' },
    ];
    const verdicts = verdictsOf(await post(llm, chatBody(MATRIX, items)));

    expect(verdicts.map((verdict) => verdict.n)).toEqual([3, 1, 2]);
    for (const verdict of verdicts) {
      expect(Object.keys(verdict).sort()).toEqual(['confidence', 'n', 'reasons', 'verdict']);
      expect(['match', 'mismatch', 'uncertain']).toContain(verdict.verdict);
      expect(verdict.confidence).toBeGreaterThanOrEqual(0);
      expect(verdict.confidence).toBeLessThanOrEqual(1);
      expect(verdict.reasons.length).toBeGreaterThan(0);
      expect(verdict.reasons.every((reason: unknown) => typeof reason === 'string' && reason.length > 0)).toBe(true);
    }
    expect(llm.completions).toBe(1);
  });

  it('asks the judge given in the options, once per release', async () => {
    const judge = jest.fn((_wanted: FakeLlmWanted, release: FakeLlmRelease) => ({
      verdict: release.n === 2 ? ('uncertain' as const) : ('match' as const),
      confidence: 0.42,
      reasons: [`judged ${release.title}`],
    }));
    const llm = await start({ judge });
    const verdicts = verdictsOf(await post(llm, chatBody(MATRIX, releases('a', 'b'))));

    expect(verdicts).toEqual([
      { n: 1, verdict: 'match', confidence: 0.42, reasons: ['judged a'] },
      { n: 2, verdict: 'uncertain', confidence: 0.42, reasons: ['judged b'] },
    ]);
    expect(judge).toHaveBeenCalledTimes(2);
    expect(judge).toHaveBeenCalledWith(MATRIX, expect.objectContaining({ n: 1, title: 'a' }));
  });

  it('records each request without prompt text or key', async () => {
    const llm = await start({ apiKey: 'sk-secret-for-tests' });
    await post(llm, chatBody(MATRIX, releases('The.Matrix.1999.1080p.BluRay.x264-SPARKS', 'The.Matrix.Reloaded.2003.720p.WEB.x264-GRP')), {
      apiKey: 'sk-secret-for-tests',
    });
    await get(llm, '/health', 'wrong');

    expect(llm.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/chat/completions',
        model: 'qwen2.5-3b-instruct',
        releaseCount: 2,
        titles: ['The.Matrix.1999.1080p.BluRay.x264-SPARKS', 'The.Matrix.Reloaded.2003.720p.WEB.x264-GRP'],
        status: 200,
        hasSchema: true,
        authorized: true,
      },
      { method: 'GET', path: '/health', status: 401, hasSchema: false, authorized: false },
    ]);
    expect(JSON.stringify(llm.requests)).not.toMatch(/sk-secret-for-tests|Judge each release|competent/);
  });

  it('forgets requests, completions and maxima on resetCounters', async () => {
    const llm = await start();
    await post(llm, chatBody(MATRIX, releases('The.Matrix.1999.1080p.BluRay.x264-SPARKS')));
    llm.resetCounters();

    expect(llm.requests).toHaveLength(0);
    expect(llm.completions).toBe(0);
    expect(llm.maxConcurrent).toBe(0);
    expect(llm.maxGenerating).toBe(0);
  });
});

describe('fake LLM: default judge on realistic names', () => {
  it('matches the film, rejects a sequel and a cam recording', async () => {
    const [film, sequel, cam] = await judged(
      MATRIX,
      'The.Matrix.1999.1080p.BluRay.x264-SPARKS',
      'The.Matrix.Reloaded.2003.1080p.BluRay.x264-SPARKS',
      'The.Matrix.1999.HDCAM.x264',
    );

    expect(film).toMatchObject({ verdict: 'match', confidence: expect.closeTo(0.9, 1) });
    expect(sequel).toMatchObject({ verdict: 'mismatch', confidence: expect.closeTo(0.9, 1) });
    expect(sequel?.reasons.join(' ')).toMatch(/matrix reloaded/i);
    expect(cam).toMatchObject({ verdict: 'mismatch', reasons: ['Cam recording, not a real release.'] });
  });

  it('matches the episode and its season pack, rejects another episode or season', async () => {
    const verdicts = await judged(
      SEVERANCE_S01E03,
      'Severance.S01E03.1080p.WEB.h264-GLHF',
      'Severance.S01E04.1080p.WEB.h264-GLHF',
      'Severance.S01.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX',
      'Severance.S02E03.1080p.WEB.h264-GLHF',
      'Severance.S01E02E03.720p.WEB.h264-GLHF',
    );

    expect(verdicts.map((verdict) => verdict.verdict)).toEqual(['match', 'mismatch', 'match', 'mismatch', 'match']);
    expect(verdicts[1]?.reasons).toEqual(['Episode S01E04, not S01E03.']);
    expect(verdicts[2]?.reasons.join(' ')).toMatch(/full-season pack/);
    expect(verdicts[3]?.reasons).toEqual(['Season 2, not season 1.']);
  });

  it('reads titles through case, dots, dashes, accents and "&"', () => {
    const movie = (title: string, year: number | null): FakeLlmWanted => ({ kind: 'movie', title, year, season: null, episode: null });
    const verdict = (wanted: FakeLlmWanted, title: string): string => defaultLlmJudge(wanted, { n: 1, title }).verdict;

    expect(verdict(movie('Amélie', 2001), 'Amelie.2001.1080p.BluRay.x264-GRP')).toBe('match');
    expect(verdict(movie('Spider-Man: No Way Home', 2021), 'Spider-Man.No.Way.Home.2021.2160p.WEB-DL.x265-GRP')).toBe('match');
    expect(verdict(movie('Fast & Furious', 2009), 'fast_and_furious_2009_720p_bluray_x264-grp')).toBe('match');
    expect(verdict(movie('Blade Runner 2049', 2017), 'Blade.Runner.2049.2017.1080p.BluRay.x264-GRP')).toBe('match');
    expect(verdict(movie('Blade Runner 2049', 2017), 'Blade.Runner.1982.Final.Cut.1080p.BluRay.x264-GRP')).toBe('mismatch');
    expect(verdict(movie('1917', 2019), '1917.2019.1080p.BluRay.x264-GRP')).toBe('match');
  });

  it('allows a year one off and rejects one further off', () => {
    expect(defaultLlmJudge(MATRIX, { n: 1, title: 'The.Matrix.2000.1080p.BluRay.x264-GRP' }).verdict).toBe('match');
    expect(defaultLlmJudge(MATRIX, { n: 1, title: 'The.Matrix.2021.1080p.BluRay.x264-GRP' })).toEqual({
      verdict: 'mismatch',
      confidence: 0.88,
      reasons: ['Released in 2021, not 1999.'],
    });
  });

  it('rejects executables, passwords, a RAR posing as a film, and cam markers', () => {
    for (const title of [
      'The.Matrix.1999.1080p.BluRay.x264.exe',
      'The Matrix 1999 1080p (password in txt)',
      'The.Matrix.1999.1080p.BluRay.x264.rar',
      'The.Matrix.1999.CAM.x264-GRP',
      'The.Matrix.1999.TS.XviD-GRP',
      'The.Matrix.1999.HDTS.x264-GRP',
      'The.Matrix.1999.TELESYNC.x264-GRP',
      'The.Matrix.1999.TC.x264-GRP',
    ]) {
      expect({ title, verdict: defaultLlmJudge(MATRIX, { n: 1, title }).verdict }).toEqual({ title, verdict: 'mismatch' });
    }
  });

  it('is uncertain when the title matches but the name says nothing else', () => {
    expect(defaultLlmJudge(MATRIX, { n: 1, title: 'The Matrix' })).toMatchObject({ verdict: 'uncertain', confidence: 0.5 });
    expect(defaultLlmJudge(SEVERANCE_S01E03, { n: 1, title: 'Severance.1080p.WEB.h264-GLHF' }).verdict).toBe('uncertain');
  });

  it('rejects an episode offered for a film', () => {
    expect(defaultLlmJudge({ ...MATRIX, title: 'Severance', year: null }, { n: 1, title: 'Severance.S01E03.1080p.WEB.h264-GLHF' }).verdict).toBe('mismatch');
  });
});

describe('fake LLM: protocol errors', () => {
  it('answers 400 with an OpenAI error when the request asks for no JSON schema', async () => {
    const llm = await start();
    const withoutFormat = await post(llm, chatBody(MATRIX, releases('x'), { response_format: undefined }));
    const jsonObject = await post(llm, chatBody(MATRIX, releases('x'), { response_format: { type: 'json_object' } }));

    expect(withoutFormat.status).toBe(400);
    expect(withoutFormat.body).toEqual({ error: { message: expect.stringContaining('json_schema'), type: 'invalid_request_error', param: null, code: null } });
    expect(jsonObject.status).toBe(400);
    expect(llm.requests.map((request) => request.hasSchema)).toEqual([false, false]);
    expect(llm.completions).toBe(0);
  });

  it('answers 400 when the last line of the user message is not the payload', async () => {
    const llm = await start();
    const body = chatBody(MATRIX, releases('x'));
    const prose = { ...body, messages: [{ role: 'user', content: `${JSON.stringify({ wanted: MATRIX, releases: releases('x') })}\nThanks!` }] };
    const noReleases = { ...body, messages: [{ role: 'user', content: JSON.stringify({ wanted: MATRIX, releases: [] }) }] };
    const repeatedN = { ...body, messages: [{ role: 'user', content: JSON.stringify({ wanted: MATRIX, releases: [{ n: 1, title: 'a' }, { n: 1, title: 'b' }] }) }] };

    for (const request of [prose, noReleases, repeatedN, '{"model":']) {
      const answer = await post(llm, request);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    }
  });

  it('answers 401 to a missing or wrong key when one is set, and accepts the right one', async () => {
    const llm = await start({ apiKey: 'sk-local' });
    const missing = await post(llm, chatBody(MATRIX, releases('x')));
    const wrong = await get(llm, '/v1/models', 'sk-wrong');

    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    expect(wrong.status).toBe(401);
    expect((await get(llm, '/v1/models', 'sk-local')).status).toBe(200);
    expect(llm.requests.map((request) => request.authorized)).toEqual([false, false, true]);
  });

  it('answers 404 model_not_found to a model it does not serve', async () => {
    const llm = await start({ models: ['llama3.2:3b'] });
    const answer = await post(llm, chatBody(MATRIX, releases('x'), { model: 'gpt-4o' }));

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { message: "model 'gpt-4o' not found", type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    expect((await post(llm, chatBody(MATRIX, releases('x'), { model: 'llama3.2:3b' }))).status).toBe(200);
  });

  it('lists its models, answers llama.cpp health, and 404s unknown paths', async () => {
    const llm = await start({ models: ['qwen2.5-3b-instruct', 'phi-3.5-mini'] });

    expect(llm.model).toBe('qwen2.5-3b-instruct');
    expect((await get(llm, '/v1/models')).body).toEqual({
      object: 'list',
      data: [
        { id: 'qwen2.5-3b-instruct', object: 'model', created: expect.any(Number), owned_by: 'sokoul-fake' },
        { id: 'phi-3.5-mini', object: 'model', created: expect.any(Number), owned_by: 'sokoul-fake' },
      ],
    });
    expect(await get(llm, '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const unknown = await post(llm, {}, { path: '/v1/completions' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('/v1/completions') });
  });
});

describe('fake LLM: faults', () => {
  const MATRIX_RELEASES = releases('The.Matrix.1999.1080p.BluRay.x264-SPARKS', 'The.Matrix.Reloaded.2003.1080p.BluRay.x264-SPARKS');

  it('answers 500 and 503 with llama.cpp-style error bodies', async () => {
    const llm = await start({ fail: 'http500' });
    const internal = await post(llm, chatBody(MATRIX, MATRIX_RELEASES));
    llm.setFaults({ fail: 'http503' });
    const loading = await post(llm, chatBody(MATRIX, MATRIX_RELEASES));

    expect(internal.status).toBe(500);
    expect(internal.body.error).toMatchObject({ message: 'internal server error', type: 'server_error' });
    expect(loading.status).toBe(503);
    expect(loading.body.error).toMatchObject({ message: 'Loading model', type: 'unavailable_error', code: 503 });
    expect(llm.completions).toBe(0);
  });

  it('answers 429 with Retry-After, 1 second unless told otherwise', async () => {
    const llm = await start({ fail: 'http429' });
    const first = await post(llm, chatBody(MATRIX, MATRIX_RELEASES));
    llm.setFaults({ fail: 'http429', retryAfterSeconds: 20 });
    const second = await post(llm, chatBody(MATRIX, MATRIX_RELEASES));

    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message: expect.stringMatching(/^Rate limit reached/) });
    expect(second.headers.get('retry-after')).toBe('20');
  });

  it('can answer 200 with content cut in the middle', async () => {
    const llm = await start({ fail: 'malformed-json' });
    const answer = await post(llm, chatBody(MATRIX, MATRIX_RELEASES));
    const content: string = answer.body.choices[0].message.content;

    expect(answer.status).toBe(200);
    expect(content.startsWith('{"verdicts":[')).toBe(true);
    expect(() => JSON.parse(content)).toThrow(SyntaxError);
    expect(llm.completions).toBe(0);
  });

  it('can answer 200 with valid JSON that breaks the schema', async () => {
    const llm = await start({ fail: 'wrong-shape' });
    const verdicts = verdictsOf(await post(llm, chatBody(MATRIX, MATRIX_RELEASES)));

    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatchObject({ n: 1, verdict: 'yes', confidence: 7 });
    expect(llm.completions).toBe(0);
  });

  it('can answer one verdict short', async () => {
    const llm = await start({ fail: 'missing-verdicts' });
    const verdicts = verdictsOf(await post(llm, chatBody(MATRIX, MATRIX_RELEASES)));

    expect(verdicts.map((verdict) => verdict.n)).toEqual([1]);
    expect(verdicts[0].verdict).toBe('match');
    expect(llm.completions).toBe(0);
  });

  it('can reset the connection without an answer', async () => {
    const llm = await start({ fail: 'reset' });
    const failure = await post(llm, chatBody(MATRIX, MATRIX_RELEASES)).catch((error: unknown) => error);

    expect(failure).toMatchObject({ message: 'fetch failed', cause: expect.objectContaining({ code: 'ECONNRESET' }) });
    expect(llm.requests[0]?.status).toBeUndefined();
  });

  it('fails only the next failNext chat requests, then answers normally', async () => {
    const llm = await start();
    llm.setFaults({ fail: 'http503', failNext: 2 });
    expect((await get(llm, '/health')).status).toBe(200);
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await post(llm, chatBody(MATRIX, MATRIX_RELEASES))).status);

    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(llm.completions).toBe(2);
  });

  it('keeps failing every chat request when failNext is absent', async () => {
    const llm = await start({ fail: 'http500' });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await post(llm, chatBody(MATRIX, MATRIX_RELEASES))).status).toBe(500);
    llm.setFaults({});
    expect((await post(llm, chatBody(MATRIX, MATRIX_RELEASES))).status).toBe(200);
  });

  it('holds answers back by delayMs, past a client timeout', async () => {
    const llm = await start({ delayMs: 300 });
    const timedOut = await post(llm, chatBody(MATRIX, MATRIX_RELEASES), { signal: AbortSignal.timeout(100) }).catch((error: unknown) => error);
    expect(timedOut).toMatchObject({ name: 'TimeoutError' });

    const started = Date.now();
    expect((await post(llm, chatBody(MATRIX, MATRIX_RELEASES))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});

describe('fake LLM: slots and generation time', () => {
  const ONE = releases('The.Matrix.1999.1080p.BluRay.x264-SPARKS');

  it('generates one completion at a time with one slot, answering both in turn', async () => {
    const llm = await start({ slots: 1, latency: { baseMs: 150, perReleaseMs: 0 } });
    const started = Date.now();
    const answers = await Promise.all([post(llm, chatBody(MATRIX, ONE)), post(llm, chatBody(MATRIX, ONE))]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(llm.maxConcurrent).toBe(2);
    expect(llm.maxGenerating).toBe(1);
    expect(llm.completions).toBe(2);

    // The slot handed from the first to the second is not counted twice: a new pair still waits its turn.
    await Promise.all([post(llm, chatBody(MATRIX, ONE)), post(llm, chatBody(MATRIX, ONE))]);
    expect(llm.maxGenerating).toBe(1);
  });

  it('generates in parallel up to the number of slots', async () => {
    const llm = await start({ slots: 2, latency: { baseMs: 150, perReleaseMs: 0 } });
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => post(llm, chatBody(MATRIX, ONE))));

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(llm.maxConcurrent).toBe(3);
    expect(llm.maxGenerating).toBe(2);
  });

  it('takes baseMs plus perReleaseMs for each release', async () => {
    const llm = await start({ latency: { baseMs: 50, perReleaseMs: 40 } });
    const started = Date.now();
    await post(llm, chatBody(MATRIX, releases('a', 'b', 'c', 'd', 'e')));

    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('gives the slot of a request its client abandoned to the next in line', async () => {
    const llm = await start({ slots: 1, latency: { baseMs: 400, perReleaseMs: 0 } });
    const abandoned = post(llm, chatBody(MATRIX, ONE), { signal: AbortSignal.timeout(100) }).catch((error: unknown) => error);
    await until(() => llm.requests.length === 1);
    const started = Date.now();
    const next = await post(llm, chatBody(MATRIX, ONE));

    expect(await abandoned).toMatchObject({ name: 'TimeoutError' });
    expect(next.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(700);
    expect(llm.completions).toBe(1);
  });
});

describe('fake LLM: close', () => {
  it('closes promptly with a delayed request pending', async () => {
    const llm = await startFakeLlm({ delayMs: 60_000 });
    const pending = post(llm, chatBody(MATRIX, releases('x'))).catch((error: unknown) => error);
    await until(() => llm.requests.length === 1);

    const started = Date.now();
    await llm.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toMatchObject({ message: 'fetch failed' });
  });

  it('closes promptly with requests waiting for a slot', async () => {
    const llm = await startFakeLlm({ slots: 1, latency: { baseMs: 60_000, perReleaseMs: 0 } });
    const pending = [1, 2].map(() => post(llm, chatBody(MATRIX, releases('x'))).catch((error: unknown) => error));
    await until(() => llm.maxConcurrent === 2);

    await llm.close();

    expect(await Promise.all(pending)).toEqual([expect.objectContaining({ message: 'fetch failed' }), expect.objectContaining({ message: 'fetch failed' })]);
  });
});
