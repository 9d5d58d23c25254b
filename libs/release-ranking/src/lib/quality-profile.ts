/**
 * A quality profile: which qualities a user accepts, in which order, when to stop upgrading,
 * and the words that make a release required, refused or preferred. Radarr's and Sonarr's
 * quality profiles, custom-format scores and release profiles folded into one small object.
 */
import { z } from 'zod';
import { compileTerm, termKey } from './title-tokens';
import { LANGUAGES, QUALITY_NAMES } from './vocabulary';

/** Bounds of a preferred term's score (TRaSH's strongest custom-format scores are ±10000). */
export const MAX_TERM_SCORE = 10_000;
export const MAX_TERMS = 200;
/** 1 TiB: larger limits are typing mistakes. */
const MAX_MIB = 1_048_576;

const qualityNameSchema = z.enum(QUALITY_NAMES, {
  error: (issue) =>
    issue.input === undefined ? 'a quality name is required' : `unknown quality ${JSON.stringify(issue.input)}; expected one of ${QUALITY_NAMES.join(', ')}`,
});

const languageSchema = z.enum(LANGUAGES, {
  error: (issue) => `unknown language ${JSON.stringify(issue.input)}; expected one of ${LANGUAGES.join(', ')}`,
});

const mebibytes = (field: string) =>
  z
    .number({ error: `${field} must be a number of MiB` })
    .positive({ error: `${field} must be more than 0 MiB` })
    .max(MAX_MIB, { error: `${field} must be at most ${MAX_MIB} MiB (1 TiB)` });

/**
 * Size limits of one quality, in MiB (1 MiB = 1,048,576 bytes): for a film, the whole film; for
 * a series, one episode (a season pack is divided by the number of episodes in the season).
 */
const sizeLimitSchema = z
  .strictObject({ minMiB: mebibytes('minMiB').optional(), maxMiB: mebibytes('maxMiB').optional() })
  .superRefine((limit, ctx) => {
    if (limit.minMiB === undefined && limit.maxMiB === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give minMiB, maxMiB or both' });
    } else if (limit.minMiB !== undefined && limit.maxMiB !== undefined && limit.minMiB > limit.maxMiB) {
      ctx.addIssue({ code: 'custom', path: ['minMiB'], message: `minMiB (${limit.minMiB}) is larger than maxMiB (${limit.maxMiB})` });
    }
  });

export const TERM_KINDS = ['required', 'ignored', 'preferred'] as const;
export type TermKind = (typeof TERM_KINDS)[number];

/**
 * A word or words looked for in release titles as whole tokens (see `matchesTerm`).
 * - `required`: a release must contain at least one of the profile's required terms;
 * - `ignored`: a release containing it is refused;
 * - `preferred`: adds `score` (negative to penalise) to the release, like a custom format.
 */
const termSchema = z
  .strictObject({
    term: z
      .string({ error: 'term must be a string' })
      .trim()
      .min(1, { error: 'term must not be empty' })
      .max(100, { error: 'term must be at most 100 characters' })
      .refine((term) => compileTerm(term).text.length > 0, { error: 'term needs at least one letter or digit' }),
    kind: z.enum(TERM_KINDS, { error: 'kind must be required, ignored or preferred' }),
    score: z
      .int({ error: 'score must be a whole number' })
      .min(-MAX_TERM_SCORE, { error: `score must be at least -${MAX_TERM_SCORE}` })
      .max(MAX_TERM_SCORE, { error: `score must be at most ${MAX_TERM_SCORE}` })
      .optional(),
  })
  .superRefine((term, ctx) => {
    if (term.kind === 'preferred' && term.score === undefined) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: 'a preferred term needs a score' });
    }
    if (term.kind !== 'preferred' && term.score !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `only preferred terms have a score; a ${term.kind} term has none` });
    }
  });

export const qualityProfileSchema = z
  .strictObject(
    {
      name: z
        .string({ error: 'name is required' })
        .trim()
        .min(1, { error: 'name must not be empty' })
        .max(64, { error: 'name must be at most 64 characters' }),
      /** The accepted qualities, best first: the order ranks releases. */
      qualities: z
        .array(qualityNameSchema, { error: 'qualities must be a list of quality names, best first' })
        .min(1, { error: 'allow at least one quality' }),
      /** A release at or above this quality is good enough: no upgrade is sought beyond it. */
      cutoff: qualityNameSchema,
      sizeLimits: z
        .partialRecord(qualityNameSchema, sizeLimitSchema, { error: 'sizeLimits must map quality names to { minMiB, maxMiB }' })
        .optional(),
      terms: z
        .array(termSchema, { error: 'terms must be a list of { term, kind, score }' })
        .max(MAX_TERMS, { error: `at most ${MAX_TERMS} terms` })
        .default([]),
      /** Releases whose preferred-term scores add up to less are refused (Radarr's minimum custom format score). */
      minPreferredScore: z
        .int({ error: 'minPreferredScore must be a whole number' })
        .min(-MAX_TERM_SCORE * MAX_TERMS)
        .max(MAX_TERM_SCORE * MAX_TERMS)
        .optional(),
      /** Torrents with fewer seeders are refused; releases whose seeders are unknown (usenet) are not. */
      minSeeders: z
        .int({ error: 'minSeeders must be a whole number' })
        .min(0, { error: 'minSeeders must be 0 or more' })
        .max(100_000, { error: 'minSeeders must be at most 100000' })
        .default(1),
      /** Audio languages a release must have, all of them. */
      languages: z.array(languageSchema, { error: 'languages must be a list of language names' }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'a quality profile must be an object' : undefined) },
  )
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.qualities.forEach((quality, index) => {
      if (seen.has(quality)) ctx.addIssue({ code: 'custom', path: ['qualities', index], message: `${quality} is listed twice` });
      seen.add(quality);
    });
    if (!seen.has(profile.cutoff)) {
      ctx.addIssue({ code: 'custom', path: ['cutoff'], message: `cutoff ${profile.cutoff} is not one of the profile's qualities` });
    }
    for (const quality of Object.keys(profile.sizeLimits ?? {})) {
      if (!seen.has(quality)) {
        ctx.addIssue({ code: 'custom', path: ['sizeLimits', quality], message: `size limits for ${quality}, which the profile does not allow` });
      }
    }
    const terms = new Map<string, string>();
    profile.terms.forEach((term, index) => {
      const key = termKey(term.term);
      const first = terms.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['terms', index, 'term'], message: `"${term.term}" repeats the term "${first}"` });
      } else {
        terms.set(key, term.term);
      }
    });
    const languages = new Set<string>();
    profile.languages?.forEach((language, index) => {
      if (languages.has(language)) ctx.addIssue({ code: 'custom', path: ['languages', index], message: `${language} is listed twice` });
      languages.add(language);
    });
  });

/** A valid profile, defaults applied. */
export type QualityProfile = z.output<typeof qualityProfileSchema>;
/** What an admin sends: `terms` and `minSeeders` may be left out. */
export type QualityProfileInput = z.input<typeof qualityProfileSchema>;
export type ProfileTerm = QualityProfile['terms'][number];
export type SizeLimit = z.output<typeof sizeLimitSchema>;

/**
 * The schema's issues as `path: message` lines, for an API error body or a log.
 * e.g. `cutoff: cutoff Remux-2160p is not one of the profile's qualities`.
 */
export function describeProfileIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}
