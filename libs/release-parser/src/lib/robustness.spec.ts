import { loadReleaseTitleCorpus, parseReleaseTitle } from '../index';

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('robustness', () => {
  it('parses an empty or blank title to an unknown movie without a title', () => {
    for (const title of ['', '   ', '....', '[', '-']) {
      expect(parseReleaseTitle(title)).toMatchObject({ kind: 'movie', title: '', quality: 'Unknown', releaseGroup: null });
    }
  });

  it('never throws, whatever the characters, and always fills every field', async () => {
    const corpus = await loadReleaseTitleCorpus();
    const random = generator(42);
    const alphabet = 'aeiouSsEeXx0123456789.-_ []()~#+!?\'"/\\:;,{}vpVP';
    const titles: string[] = [];
    for (let i = 0; i < 2000; i++) {
      let title = '';
      const length = Math.floor(random() * 60);
      for (let k = 0; k < length; k++) title += alphabet[Math.floor(random() * alphabet.length)];
      titles.push(title);
      // Corpus titles cut and spliced at random places.
      const a = corpus[Math.floor(random() * corpus.length)];
      const b = corpus[Math.floor(random() * corpus.length)];
      titles.push(a.slice(0, Math.floor(random() * a.length)) + b.slice(Math.floor(random() * b.length)));
    }
    for (const title of titles) {
      const parsed = parseReleaseTitle(title);
      expect(typeof parsed.title).toBe('string');
      expect(Array.isArray(parsed.episodes)).toBe(true);
      expect(parsed.quality).toEqual(expect.any(String));
    }
  });

  it('returns the same result for the same title', () => {
    const title = 'Series.Title.S01E01E02.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb';
    expect(parseReleaseTitle(title)).toEqual(parseReleaseTitle(title));
  });
});
