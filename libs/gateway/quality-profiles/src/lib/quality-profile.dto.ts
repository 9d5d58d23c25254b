import { z } from 'zod';
import type { QualityProfileEntity } from '@sokoul/persistence';
import { type QualityProfile, qualityProfileSchema } from '@sokoul/release-ranking';

const { name: profileNameSchema, ...rulesShape } = qualityProfileSchema.shape;

/**
 * A profile's rules: `qualityProfileSchema` of `@sokoul/release-ranking` without its name. The
 * shape is checked here; the rules across fields (cutoff among the qualities, no quality or
 * term twice …) by the whole schema, see `validateProfile`.
 */
export const qualityProfileRulesSchema = z.strictObject(rulesShape, { error: (issue) => (issue.code === 'invalid_type' ? 'rules must be an object' : undefined) });
export type QualityProfileRules = Omit<QualityProfile, 'name'>;

/**
 * The profile as the ranking reads it (stored as `rules`, name included), or the issues of the
 * whole schema with their JSON pointers into the request body (`/name`, `/rules/...`).
 */
export function validateProfile(
  name: string,
  rules: Record<string, unknown>,
): { profile: QualityProfile; issues?: undefined } | { profile?: undefined; issues: Array<{ pointer: string; detail: string }> } {
  const result = qualityProfileSchema.safeParse({ ...rules, name });
  if (result.success) return { profile: result.data };
  return {
    issues: result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      return { pointer: `/${(path[0] === 'name' ? path : ['rules', ...path]).join('/')}`, detail: issue.message };
    }),
  };
}

/** Once each field is valid on its own (the same issue is not listed twice). */
function checkAcrossFields(body: { name?: string; rules?: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  if (body.name === undefined || body.rules === undefined || ctx.issues.length > 0) return;
  for (const issue of validateProfile(body.name, body.rules).issues ?? []) {
    ctx.addIssue({ code: 'custom', path: issue.pointer.slice(1).split('/'), message: issue.detail });
  }
}

export const createQualityProfileSchema = z
  .strictObject({
    name: profileNameSchema,
    isDefault: z.boolean({ error: 'isDefault must be true or false' }).default(false).describe('make it the default profile (the previous default stops being one)'),
    rules: qualityProfileRulesSchema,
  })
  .superRefine(checkAcrossFields);
export type CreateQualityProfileDto = z.infer<typeof createQualityProfileSchema>;

export const updateQualityProfileSchema = z
  .strictObject({
    name: profileNameSchema.optional(),
    isDefault: z
      .literal(true, { error: 'isDefault can only be set to true: make another profile the default instead' })
      .optional()
      .describe('make it the default profile; a profile stops being the default when another becomes it'),
    rules: qualityProfileRulesSchema.optional().describe('replaces the rules as a whole'),
  })
  .superRefine(checkAcrossFields)
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), { error: 'give at least one field to change' });
export type UpdateQualityProfileDto = z.infer<typeof updateQualityProfileSchema>;

export const qualityProfileIdSchema = z.uuid({ error: 'expected a quality profile id (UUID)' });

export const qualityProfileSchemaDto = z.object({
  id: z.uuid(),
  name: z.string(),
  isDefault: z.boolean().describe('searches without a profile are ranked by the default one'),
  rules: qualityProfileRulesSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type QualityProfileDto = z.infer<typeof qualityProfileSchemaDto>;

export function toQualityProfileDto(profile: QualityProfileEntity): QualityProfileDto {
  const { name: _name, ...rules } = profile.rules;
  return {
    id: profile.id,
    name: profile.name,
    isDefault: profile.isDefault,
    rules: rules as QualityProfileDto['rules'],
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  };
}
