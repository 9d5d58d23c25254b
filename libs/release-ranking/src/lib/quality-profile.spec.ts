import { DEFAULT_QUALITY_PROFILE, DEFAULT_QUALITY_PROFILES } from './default-profiles';
import { type QualityProfileInput, describeProfileIssues, qualityProfileSchema } from './quality-profile';

const valid: QualityProfileInput = {
  name: 'HD-1080p',
  qualities: ['Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p'],
  cutoff: 'Bluray-1080p',
};

/** The `path: message` lines of a rejected profile. */
function issues(input: unknown): string[] {
  const result = qualityProfileSchema.safeParse(input);
  if (result.success) throw new Error('expected the profile to be rejected');
  return describeProfileIssues(result.error);
}

describe('qualityProfileSchema', () => {
  it('accepts a minimal profile and fills in no terms and one seeder', () => {
    expect(qualityProfileSchema.parse(valid)).toEqual({ ...valid, terms: [], minSeeders: 1 });
  });

  it('accepts a full profile', () => {
    const full: QualityProfileInput = {
      ...valid,
      sizeLimits: { 'Bluray-1080p': { minMiB: 2000, maxMiB: 20000 }, 'WEBRip-1080p': { maxMiB: 8000 } },
      terms: [
        { term: 'x265', kind: 'preferred', score: 50 },
        { term: 'YIFY', kind: 'preferred', score: -10000 },
        { term: '3d', kind: 'ignored' },
        { term: 'dolby vision', kind: 'required' },
      ],
      minPreferredScore: 0,
      minSeeders: 5,
      languages: ['french', 'english'],
    };
    expect(qualityProfileSchema.parse(full)).toEqual(full);
  });

  it('trims the name and the terms', () => {
    const parsed = qualityProfileSchema.parse({ ...valid, name: '  Films  ', terms: [{ term: ' x265 ', kind: 'ignored' }] });
    expect(parsed.name).toBe('Films');
    expect(parsed.terms[0].term).toBe('x265');
  });

  describe('rejects with a message naming the field', () => {
    it.each<[string, unknown, string]>([
      ['a missing name', { ...valid, name: undefined }, 'name: name is required'],
      ['a blank name', { ...valid, name: '   ' }, 'name: name must not be empty'],
      ['no qualities', { ...valid, qualities: [] }, 'qualities: allow at least one quality'],
      ['a quality that does not exist', { ...valid, qualities: ['Bluray-1080p', '4K'] }, 'qualities.1: unknown quality "4K"; expected one of Unknown, WORKPRINT'],
      ['a quality listed twice', { ...valid, qualities: ['Bluray-1080p', 'WEBDL-1080p', 'Bluray-1080p'] }, 'qualities.2: Bluray-1080p is listed twice'],
      ['a cutoff outside the qualities', { ...valid, cutoff: 'Remux-2160p' }, "cutoff: cutoff Remux-2160p is not one of the profile's qualities"],
      ['a minimum above the maximum', { ...valid, sizeLimits: { 'Bluray-1080p': { minMiB: 5000, maxMiB: 2000 } } }, 'sizeLimits.Bluray-1080p.minMiB: minMiB (5000) is larger than maxMiB (2000)'],
      ['a size limit of nothing', { ...valid, sizeLimits: { 'Bluray-1080p': {} } }, 'sizeLimits.Bluray-1080p: give minMiB, maxMiB or both'],
      ['a negative size', { ...valid, sizeLimits: { 'Bluray-1080p': { minMiB: -1 } } }, 'sizeLimits.Bluray-1080p.minMiB: minMiB must be more than 0 MiB'],
      ['a size given as text', { ...valid, sizeLimits: { 'Bluray-1080p': { maxMiB: '2 GB' } } }, 'sizeLimits.Bluray-1080p.maxMiB: maxMiB must be a number of MiB'],
      ['size limits for a quality not allowed', { ...valid, sizeLimits: { CAM: { maxMiB: 700 } } }, 'sizeLimits.CAM: size limits for CAM, which the profile does not allow'],
      ['an empty term', { ...valid, terms: [{ term: ' ', kind: 'ignored' }] }, 'terms.0.term: term must not be empty'],
      ['a term of punctuation only', { ...valid, terms: [{ term: '...', kind: 'ignored' }] }, 'terms.0.term: term needs at least one letter or digit'],
      ['a term over 100 characters', { ...valid, terms: [{ term: 'a'.repeat(101), kind: 'ignored' }] }, 'terms.0.term: term must be at most 100 characters'],
      ['an unknown term kind', { ...valid, terms: [{ term: 'x265', kind: 'banned' }] }, 'terms.0.kind: kind must be required, ignored or preferred'],
      ['a preferred term without a score', { ...valid, terms: [{ term: 'x265', kind: 'preferred' }] }, 'terms.0.score: a preferred term needs a score'],
      ['a score on an ignored term', { ...valid, terms: [{ term: 'x265', kind: 'ignored', score: 10 }] }, 'terms.0.score: only preferred terms have a score; a ignored term has none'],
      ['a score above the bound', { ...valid, terms: [{ term: 'x265', kind: 'preferred', score: 10001 }] }, 'terms.0.score: score must be at most 10000'],
      ['a score below the bound', { ...valid, terms: [{ term: 'x265', kind: 'preferred', score: -10001 }] }, 'terms.0.score: score must be at least -10000'],
      ['a fractional score', { ...valid, terms: [{ term: 'x265', kind: 'preferred', score: 2.5 }] }, 'terms.0.score: score must be a whole number'],
      [
        'the same term spelt twice',
        { ...valid, terms: [{ term: 'web-dl', kind: 'preferred', score: 5 }, { term: 'WEB.DL', kind: 'ignored' }] },
        'terms.1.term: "WEB.DL" repeats the term "web-dl"',
      ],
      ['a language that does not exist', { ...valid, languages: ['klingon'] }, 'languages.0: unknown language "klingon"; expected one of english, french'],
      ['a language listed twice', { ...valid, languages: ['french', 'french'] }, 'languages.1: french is listed twice'],
      ['negative seeders', { ...valid, minSeeders: -1 }, 'minSeeders: minSeeders must be 0 or more'],
      ['an unknown field', { ...valid, upgradeUntil: 'Bluray-1080p' }, 'Unrecognized key: "upgradeUntil"'],
    ])('%s', (_case, input, message) => {
      expect(issues(input).some((line) => line.startsWith(message))).toBe(true);
    });
  });

  it('reports every problem at once', () => {
    expect(issues({ name: '', qualities: ['CAM', 'CAM'], cutoff: 'Bluray-1080p', minSeeders: -2 })).toEqual([
      'name: name must not be empty',
      'minSeeders: minSeeders must be 0 or more',
      'qualities.1: CAM is listed twice',
      "cutoff: cutoff Bluray-1080p is not one of the profile's qualities",
    ]);
  });

  it('explains a wrong shape without failing on it', () => {
    expect(issues(null)).toEqual(['a quality profile must be an object']);
    expect(issues({ name: 'x', qualities: 'Bluray-1080p', sizeLimits: 'big', terms: 'x265', languages: 'french' })).toEqual([
      'qualities: qualities must be a list of quality names, best first',
      'cutoff: a quality name is required',
      'sizeLimits: sizeLimits must map quality names to { minMiB, maxMiB }',
      'terms: terms must be a list of { term, kind, score }',
      'languages: languages must be a list of language names',
    ]);
  });
});

describe('DEFAULT_QUALITY_PROFILES', () => {
  it('are valid profiles', () => {
    for (const { profile } of DEFAULT_QUALITY_PROFILES) expect(qualityProfileSchema.parse(profile)).toEqual(profile);
  });

  it('offer Any, HD-1080p and Ultra-HD, with HD-1080p as the one default', () => {
    expect(DEFAULT_QUALITY_PROFILES.map((entry) => entry.profile.name)).toEqual(expect.arrayContaining(['Any', 'HD-1080p', 'Ultra-HD']));
    expect(DEFAULT_QUALITY_PROFILES.filter((entry) => entry.isDefault).map((entry) => entry.profile.name)).toEqual(['HD-1080p']);
    expect(DEFAULT_QUALITY_PROFILE.name).toBe('HD-1080p');
    expect(new Set(DEFAULT_QUALITY_PROFILES.map((entry) => entry.key)).size).toBe(DEFAULT_QUALITY_PROFILES.length);
  });

  it('never allow pre-release copies, disc images or unknown qualities', () => {
    const banned = ['Unknown', 'WORKPRINT', 'CAM', 'TELESYNC', 'TELECINE', 'DVDSCR', 'REGIONAL', 'DVD-R', 'BR-DISK', 'Raw-HD'];
    for (const { profile } of DEFAULT_QUALITY_PROFILES) {
      expect(profile.qualities.filter((quality) => banned.includes(quality))).toEqual([]);
    }
  });

  it('cannot be changed by a consumer', () => {
    const profile = DEFAULT_QUALITY_PROFILE;
    expect(() => (profile.qualities as string[]).push('CAM')).toThrow(TypeError);
    expect(Object.isFrozen(DEFAULT_QUALITY_PROFILES[0].profile.terms[0])).toBe(true);
  });
});
