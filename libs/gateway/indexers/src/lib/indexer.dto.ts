import { z } from 'zod';
import type { IndexerEntity } from '@sokoul/persistence';

/** Query parameters that carry a credential: the key goes in `apiKey`, where it is stored encrypted. */
const CREDENTIAL_PARAM = /(api_?key|passkey|password|token)$/i;

/**
 * The Torznab endpoint. Loopback and private addresses are accepted on purpose (Jackett and
 * Prowlarr usually run on the same host or LAN); only the scheme is restricted, and the URL may
 * not carry credentials, which would then be stored and shown in clear.
 */
const indexerUrlSchema = z
  .string({ error: 'url is required and must be a string' })
  .trim()
  .max(2000, { error: 'url must be at most 2000 characters' })
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'url must be an absolute http or https URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'url must be an http or https URL' });
    } else if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'url must not contain a user name or password' });
    } else if ([...url.searchParams.keys()].some((key) => CREDENTIAL_PARAM.test(key))) {
      ctx.addIssue({ code: 'custom', message: 'url must not contain an API key or passkey: give the key as apiKey' });
    }
  })
  .describe("the Torznab endpoint (http or https), e.g. Jackett's http://jackett:9117/api/v2.0/indexers/<id>/results/torznab or Prowlarr's http://prowlarr:9696/<id>/api");

const nameSchema = z
  .string({ error: 'name is required and must be a string' })
  .trim()
  .min(1, { error: 'name must not be empty' })
  .max(100, { error: 'name must be at most 100 characters' });

const apiKeySchema = z
  .string({ error: 'apiKey is required and must be a string' })
  .trim()
  .min(1, { error: 'apiKey must not be empty' })
  .max(500, { error: 'apiKey must be at most 500 characters' })
  .describe('stored encrypted; never returned');

const categoriesSchema = z
  .array(z.int({ error: 'categories are Torznab category numbers' }).min(0).max(999_999), { error: 'categories must be a list of Torznab category numbers' })
  .max(100, { error: 'at most 100 categories' })
  .transform((categories) => [...new Set(categories)])
  .describe('Torznab categories to search (2000 movies, 5000 TV …); empty: the indexer decides');

const prioritySchema = z
  .int({ error: 'priority must be a whole number from 1 to 50' })
  .min(1, { error: 'priority must be from 1 to 50' })
  .max(50, { error: 'priority must be from 1 to 50' })
  .describe('1 (preferred) to 50, as in Prowlarr');

const enabledSchema = z.boolean({ error: 'enabled must be true or false' });

export const createIndexerSchema = z.strictObject({
  name: nameSchema,
  url: indexerUrlSchema,
  apiKey: apiKeySchema,
  categories: categoriesSchema.default([]),
  priority: prioritySchema.default(25),
  enabled: enabledSchema.default(true),
});
export type CreateIndexerDto = z.infer<typeof createIndexerSchema>;

export const updateIndexerSchema = z
  .strictObject({
    name: nameSchema.optional(),
    url: indexerUrlSchema.optional(),
    apiKey: apiKeySchema.describe('replaces the stored key; never returned').optional(),
    categories: categoriesSchema.optional(),
    priority: prioritySchema.optional(),
    enabled: enabledSchema.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), { error: 'give at least one field to change' });
export type UpdateIndexerDto = z.infer<typeof updateIndexerSchema>;

export const indexerIdSchema = z.uuid({ error: 'expected an indexer id (UUID)' });

const searchCapabilitySchema = z.object({ available: z.boolean(), supportedParams: z.array(z.string()) });
const subcategorySchema = z.object({ id: z.number().int(), name: z.string(), description: z.string().optional() });

/** What `t=caps` said (see `TorznabCapabilities` in `@sokoul/torznab`). */
export const capabilitiesSchema = z.object({
  server: z.object({
    title: z.string().optional(),
    version: z.string().optional(),
    strapline: z.string().optional(),
    email: z.string().optional(),
    url: z.string().optional(),
    image: z.string().optional(),
  }),
  limits: z.object({ max: z.number().int().optional(), default: z.number().int().optional() }),
  searching: z.object({
    search: searchCapabilitySchema,
    tvSearch: searchCapabilitySchema,
    movieSearch: searchCapabilitySchema,
    musicSearch: searchCapabilitySchema,
    bookSearch: searchCapabilitySchema,
  }),
  categories: z.array(subcategorySchema.extend({ subcategories: z.array(subcategorySchema.extend({ subcategories: z.array(z.never()) })) })),
});

/** What admins see of an indexer: everything but the key, which is write-only. */
export const indexerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  apiKeySet: z.literal(true).describe('the key is stored (encrypted); it is never returned'),
  categories: z.array(z.number().int()),
  priority: z.number().int(),
  enabled: z.boolean(),
  capabilities: capabilitiesSchema.nullable().describe('from the last successful test; null before one'),
  capabilitiesCheckedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type IndexerDto = z.infer<typeof indexerSchema>;

export function toIndexerDto(indexer: IndexerEntity): IndexerDto {
  return {
    id: indexer.id,
    name: indexer.name,
    url: indexer.url,
    apiKeySet: true,
    categories: indexer.categories,
    priority: indexer.priority,
    enabled: indexer.enabled,
    capabilities: (indexer.capabilities as IndexerDto['capabilities'] | null) ?? null,
    capabilitiesCheckedAt: indexer.capabilitiesCheckedAt?.toISOString() ?? null,
    createdAt: indexer.createdAt.toISOString(),
    updatedAt: indexer.updatedAt.toISOString(),
  };
}
