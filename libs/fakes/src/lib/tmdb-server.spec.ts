import { type FakeTmdb, startFakeTmdb } from './tmdb-server';

jest.setTimeout(10_000);

let tmdb: FakeTmdb;

afterEach(async () => {
  await tmdb?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read by the assertions
  body: any;
}

async function get(path: string, init: { apiKey?: string | null; bearer?: string } = {}): Promise<Answer> {
  const url = new URL(path, tmdb.url);
  const apiKey = init.apiKey === undefined ? tmdb.apiKey : init.apiKey;
  if (apiKey !== null && init.bearer === undefined) url.searchParams.set('api_key', apiKey);
  const response = await fetch(url, { headers: init.bearer ? { Authorization: `Bearer ${init.bearer}` } : {} });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('fake TMDB: authentication', () => {
  beforeEach(async () => {
    tmdb = await startFakeTmdb({ apiKey: 'v3-key-for-tests', bearerToken: 'v4-token-for-tests' });
  });

  it('answers 401 with status_code 7 when no credential is sent', async () => {
    const answer = await get('/3/movie/603', { apiKey: null });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ success: false, status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.' });
  });

  it('answers 401 to a wrong api_key and to a wrong bearer token', async () => {
    expect((await get('/3/movie/603', { apiKey: 'wrong' })).status).toBe(401);
    expect((await get('/3/movie/603', { bearer: 'wrong' })).status).toBe(401);
  });

  it('accepts the v3 key as api_key and the v4 token as a bearer', async () => {
    expect((await get('/3/movie/603')).status).toBe(200);
    expect((await get('/3/movie/603', { bearer: 'v4-token-for-tests' })).status).toBe(200);
  });

  it('records requests without the key or the token', async () => {
    await get('/3/search/movie?query=matrix');
    await get('/3/movie/603', { bearer: 'v4-token-for-tests' });
    await get('/3/movie/603', { apiKey: null });

    expect(tmdb.requests).toEqual([
      { method: 'GET', path: '/3/search/movie', query: { query: 'matrix', api_key: '[redacted]' }, credential: 'api_key', status: 200 },
      { method: 'GET', path: '/3/movie/603', query: {}, credential: 'bearer', status: 200 },
      { method: 'GET', path: '/3/movie/603', query: {}, credential: 'none', status: 401 },
    ]);
    expect(JSON.stringify(tmdb.requests)).not.toMatch(/v3-key-for-tests|v4-token-for-tests/);
  });

  it('makes up a different key and token for each server when none is given', async () => {
    const other = await startFakeTmdb();
    try {
      expect(other.apiKey).not.toBe(tmdb.apiKey);
      expect(other.apiKey).toMatch(/^[0-9a-f]{32}$/);
      expect(other.bearerToken).not.toBe(tmdb.bearerToken);
    } finally {
      await other.close();
    }
  });
});

describe('fake TMDB: catalogue', () => {
  beforeEach(async () => {
    tmdb = await startFakeTmdb();
  });

  it('searches movies by title substring, most popular first, in TMDB page shape', async () => {
    const { status, body } = await get('/3/search/movie?query=dune');

    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 1, total_pages: 1, total_results: 3 });
    expect(body.results.map((movie: { id: number }) => movie.id)).toEqual([693134, 438631, 841]);
    expect(body.results[1]).toMatchObject({ id: 438631, title: 'Dune', original_title: 'Dune', release_date: '2021-09-15' });
  });

  it('filters a movie search by year and by primary_release_year', async () => {
    expect((await get('/3/search/movie?query=Dune&year=1984')).body.results.map((m: { id: number }) => m.id)).toEqual([841]);
    expect((await get('/3/search/movie?query=Dune&primary_release_year=2021')).body.results.map((m: { id: number }) => m.id)).toEqual([438631]);
    expect((await get('/3/search/movie?query=Dune&year=1999')).body).toEqual({ page: 1, results: [], total_pages: 1, total_results: 0 });
  });

  it('matches regardless of case, diacritics and punctuation, and on original and alternative titles', async () => {
    const ids = async (path: string) => (await get(path)).body.results.map((r: { id: number }) => r.id);

    expect(await ids('/3/search/tv?query=SHOGUN')).toEqual([126308]);
    expect(await ids('/3/search/movie?query=amelie')).toEqual([194]);
    expect(await ids('/3/search/movie?query=dune%20part%20two')).toEqual([693134]);
    expect(await ids('/3/search/movie?query=%E5%8D%83%E3%81%A8%E5%8D%83%E5%B0%8B')).toEqual([129]);
    expect(await ids('/3/search/movie?query=Dune%3A%20Part%20One')).toEqual([438631]);
  });

  it('filters a tv search by first_air_date_year', async () => {
    const { body } = await get('/3/search/tv?query=the%20office&first_air_date_year=2005');

    expect(body.results).toEqual([expect.objectContaining({ id: 2316, name: 'The Office', first_air_date: '2005-03-24', origin_country: ['US'] })]);
    expect((await get('/3/search/tv?query=the%20office&first_air_date_year=2006')).body.total_results).toBe(0);
  });

  it('multi-searches movies, shows and people with media_type, ignoring year like TMDB', async () => {
    const { body } = await get('/3/search/multi?query=e&year=2021');

    const types = new Set(body.results.map((r: { media_type: string }) => r.media_type));
    expect(types).toEqual(new Set(['movie', 'tv', 'person']));
    expect(body.results.find((r: { id: number }) => r.id === 841)).toMatchObject({ media_type: 'movie', release_date: '1984-12-14' });
  });

  it('refuses a page outside 1..500', async () => {
    const { status, body } = await get('/3/search/movie?query=dune&page=0');

    expect(status).toBe(400);
    expect(body).toMatchObject({ success: false, status_code: 22 });
  });

  it('serves movie details with external_ids and alternative_titles only when appended', async () => {
    const plain = await get('/3/movie/438631');
    const full = await get('/3/movie/438631?append_to_response=external_ids,alternative_titles');

    expect(plain.body).toMatchObject({ id: 438631, imdb_id: 'tt1160419', runtime: 155, release_date: '2021-09-15' });
    expect(plain.body).not.toHaveProperty('external_ids');
    expect(full.body.external_ids).toMatchObject({ imdb_id: 'tt1160419' });
    expect(full.body.alternative_titles).toEqual({ titles: [{ iso_3166_1: 'US', title: 'Dune: Part One', type: '' }] });
  });

  it('serves tv details with seasons, episode counts and imdb/tvdb ids', async () => {
    const { body } = await get('/3/tv/1396?append_to_response=external_ids');

    expect(body).toMatchObject({ id: 1396, name: 'Breaking Bad', first_air_date: '2008-01-20', number_of_seasons: 5, number_of_episodes: 62, status: 'Ended' });
    expect(body.seasons.map((s: { season_number: number; episode_count: number }) => [s.season_number, s.episode_count])).toEqual([
      [1, 7],
      [2, 13],
      [3, 13],
      [4, 13],
      [5, 16],
    ]);
    expect(body.external_ids).toMatchObject({ imdb_id: 'tt0903747', tvdb_id: 81189 });
  });

  it('serves a season with numbered, named, dated episodes', async () => {
    const { body } = await get('/3/tv/1396/season/5');

    expect(body.season_number).toBe(5);
    expect(body.episodes).toHaveLength(16);
    expect(body.episodes[13]).toMatchObject({ episode_number: 14, season_number: 5, name: 'Ozymandias', air_date: '2013-09-15', show_id: 1396 });
    expect(body.episodes[15]).toMatchObject({ name: 'Felina', episode_type: 'finale' });
  });

  it('serves all ten episodes of Shōgun season 1', async () => {
    const { body } = await get('/3/tv/126308/season/1');

    expect(body.episodes.map((e: { name: string }) => e.name)).toEqual([
      'Anjin',
      'Servants of Two Masters',
      'Tomorrow Is Tomorrow',
      'The Eightfold Fence',
      'Broken to the Fist',
      'Ladies of the Willow World',
      'A Stick of Time',
      'The Abyss of Life',
      'Crimson Sky',
      'A Dream of a Dream',
    ]);
  });

  it('finds a movie and a show by IMDb id and a show by TVDB id', async () => {
    const movie = await get('/3/find/tt0087182?external_source=imdb_id');
    const show = await get('/3/find/tt0386676?external_source=imdb_id');
    const byTvdb = await get('/3/find/73244?external_source=tvdb_id');

    expect(movie.body.movie_results).toEqual([expect.objectContaining({ id: 841, media_type: 'movie' })]);
    expect(movie.body.tv_results).toEqual([]);
    expect(show.body.tv_results).toEqual([expect.objectContaining({ id: 2316, media_type: 'tv' })]);
    expect(byTvdb.body.tv_results).toEqual([expect.objectContaining({ id: 2316 })]);
  });

  it('answers 200 with empty arrays for an unknown IMDb id, and 422 without external_source', async () => {
    const unknown = await get('/3/find/tt0000001?external_source=imdb_id');
    const noSource = await get('/3/find/tt0087182');

    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ movie_results: [], person_results: [], tv_results: [], tv_episode_results: [], tv_season_results: [] });
    expect(noSource.status).toBe(422);
    expect(noSource.body).toMatchObject({ status_code: 5 });
  });

  it.each(['/3/movie/999999999', '/3/movie/abc', '/3/tv/1/season/1', '/3/tv/2316/season/4', '/3/tv/1396/season/9', '/3/nothing/here', '/4/list/1'])(
    'answers 404 with status_code 34 for %s',
    async (path) => {
      const { status, body } = await get(path);

      expect(status).toBe(404);
      expect(body).toEqual({ success: false, status_code: 34, status_message: 'The resource you requested could not be found.' });
    },
  );
});

describe('fake TMDB: faults', () => {
  it('holds every answer back by delayMs', async () => {
    tmdb = await startFakeTmdb({ delayMs: 300 });
    const started = Date.now();

    expect((await get('/3/movie/603')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers 500 with TMDB’s internal-error body when told to fail', async () => {
    tmdb = await startFakeTmdb({ fail: 'http500' });

    const { status, body } = await get('/3/movie/603');

    expect(status).toBe(500);
    expect(body).toMatchObject({ success: false, status_code: 11 });
  });

  it('resets the connection when told to', async () => {
    tmdb = await startFakeTmdb({ fail: 'reset' });

    await expect(fetch(`${tmdb.url}/3/movie/603?api_key=${tmdb.apiKey}`)).rejects.toThrow();
    expect(tmdb.requests).toHaveLength(1);
    expect(tmdb.requests[0]!.status).toBeUndefined();
  });

  it('answers 429 with Retry-After past the allowance, then serves again once that time has passed', async () => {
    tmdb = await startFakeTmdb({ rateLimit: { afterRequests: 2, retryAfterSeconds: 1 } });

    expect((await get('/3/movie/603')).status).toBe(200);
    expect((await get('/3/movie/603')).status).toBe(200);
    const limited = await get('/3/movie/603');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ success: false, status_code: 25 });
    expect((await get('/3/movie/603')).status).toBe(429);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await get('/3/movie/603')).status).toBe(200);
  });

  it('changes faults at run time', async () => {
    tmdb = await startFakeTmdb();
    expect((await get('/3/movie/603')).status).toBe(200);

    tmdb.setFaults({ fail: 'http500' });
    expect((await get('/3/movie/603')).status).toBe(500);

    tmdb.setFaults({});
    expect((await get('/3/movie/603')).status).toBe(200);
  });

  it('closes while an answer is still held back', async () => {
    tmdb = await startFakeTmdb({ delayMs: 5_000 });
    const outcome = expect(fetch(`${tmdb.url}/3/movie/603?api_key=${tmdb.apiKey}`)).rejects.toThrow('fetch failed');
    await new Promise((resolve) => setTimeout(resolve, 50));

    await tmdb.close();

    await outcome;
  });
});
