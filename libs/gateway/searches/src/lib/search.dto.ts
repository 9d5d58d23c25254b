import { z } from 'zod';
import type { SearchEntity } from '@sokoul/persistence';

export const createSearchSchema = z.strictObject({
  query: z.string({ error: 'query is required and must be a string' }).trim().min(1, { error: 'query must not be empty' }).max(200, {
    error: 'query must be at most 200 characters',
  }),
});
export type CreateSearchDto = z.infer<typeof createSearchSchema>;

export const searchIdSchema = z.uuid({ error: 'expected a search id (UUID)' });

/** What clients see of a search; the entity never leaves the service layer. */
export interface SearchDto {
  id: string;
  query: string;
  status: SearchEntity['status'];
  releaseCount: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export function toSearchDto(search: SearchEntity): SearchDto {
  return {
    id: search.id,
    query: search.query,
    status: search.status,
    releaseCount: search.releaseCount,
    error: search.error,
    createdAt: search.createdAt.toISOString(),
    startedAt: search.startedAt?.toISOString() ?? null,
    completedAt: search.completedAt?.toISOString() ?? null,
  };
}
