import { z } from 'zod';
import type { ApiKeyEntity } from '@sokoul/persistence';

export const createApiKeySchema = z.strictObject({
  name: z.string({ error: 'name is required' }).trim().min(1).max(100),
  scopes: z
    .array(z.enum(['read', 'write', 'admin'], { error: 'scopes are read, write or admin' }))
    .min(1, { error: 'give at least one scope' })
    .max(3)
    .transform((scopes) => [...new Set(scopes)]),
});
export type CreateApiKeyDto = z.infer<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.uuid({ error: 'expected an API key id (UUID)' });

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, to tell keys apart; the key itself is never shown again'),
  scopes: z.array(z.enum(['read', 'write', 'admin'])),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe('the key, shown in this answer only: send it as `X-Api-Key`') });
export type CreatedApiKeyDto = z.infer<typeof createdApiKeySchema>;

export function toApiKeyDto(key: ApiKeyEntity): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
