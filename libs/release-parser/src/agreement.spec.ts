import { CORPUS, FACETS, KNOWN_DIFFERENCES, agreement, compare } from './fixtures';
import { parseReleaseTitle } from './index';

/**
 * Agreement with Sonarr and Radarr: every row of their parser tests in the corpus, parsed here
 * and compared facet by facet with what their tests assert.
 */
describe('agreement with Sonarr and Radarr', () => {
  const results = CORPUS.map((fixture) => compare(fixture, parseReleaseTitle(fixture.title)));
  const summary = agreement(results);

  const describeMismatches = (result: (typeof results)[number]): string =>
    [...result.facets]
      .filter(([, mismatches]) => mismatches.length > 0)
      .map(([facet, mismatches]) => `${facet}: ${mismatches.map((m) => `${m.key} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`).join('; ')}`)
      .join(' | ');
  const disagrees = (result: (typeof results)[number]): boolean => [...result.facets.values()].some((m) => m.length > 0);

  it('covers at least 500 distinct real-world titles', () => {
    expect(new Set(CORPUS.map((c) => c.title)).size).toBeGreaterThanOrEqual(500);
  });

  it('asserts every facet on some rows', () => {
    for (const facet of FACETS) expect(summary.facets.find((f) => f.facet === facet)?.cases).toBeGreaterThan(0);
  });

  it.each(FACETS)('agrees on more than 99%% of the rows that assert %s', (facet) => {
    const { agreed, cases, ratio } = summary.facets.find((f) => f.facet === facet)!;
    expect({ facet, agreed, cases, ratio: ratio > 0.99 }).toEqual({ facet, agreed, cases, ratio: true });
  });

  it('agrees on more than 99% of all asserted facets overall', () => {
    expect(summary.overall.ratio).toBeGreaterThan(0.99);
  });

  it('agrees on every row that is not a documented known difference', () => {
    const unexpected = results.filter((r) => r.fixture.knownDifference === undefined && disagrees(r));
    expect(unexpected.map((r) => `${r.fixture.from} ${JSON.stringify(r.fixture.title)}: ${describeMismatches(r)}`)).toEqual([]);
  });

  it('still disagrees on each documented known difference (remove the entry once it agrees)', () => {
    const known = results.filter((r) => r.fixture.knownDifference !== undefined);
    expect(known).toHaveLength(KNOWN_DIFFERENCES.size);
    expect(known.filter((r) => !disagrees(r)).map((r) => r.fixture.title)).toEqual([]);
  });
});
