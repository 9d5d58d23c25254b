import { z } from 'zod';
import type { SearchEntity } from '@sokoul/persistence';

export const createSearchSchema = z.strictObject({
  query: z.string({ error: 'query is required and must be a string' }).trim().min(1, { error: 'query must not be empty' }).max(200, {
    error: 'query must be at most 200 characters',
  }),
});
export type CreateSearchDto = z.infer<typeof createSearchSchema>;

export const searchIdSchema = z.uuid({ error: 'expected a search id (UUID)' });

export const listSearchesSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export type ListSearchesDto = z.infer<typeof listSearchesSchema>;


/** Opaque to clients: the position after the last row of a page. */
export function encodeCursor(search: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([search.createdAt, search.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const date = new Date(String(createdAt));
    if (Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success) return undefined;
    return { createdAt: date, id: String(id) };
  } catch {
    return undefined;
  }
}

/** What clients see of a search; the entity never leaves the service layer. */
export const searchSchema = z.object({
  id: z.uuid(),
  query: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed'] satisfies SearchEntity['status'][]),
  releaseCount: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
});
export type SearchDto = z.infer<typeof searchSchema>;

export const searchPageSchema = z.object({
  items: z.array(searchSchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type SearchPageDto = z.infer<typeof searchPageSchema>;

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
