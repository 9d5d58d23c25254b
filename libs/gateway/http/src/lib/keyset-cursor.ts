import { z } from 'zod';

/**
 * Opaque to clients: the position after the last row of a page (its creation time and id),
 * for the newest-first keyset pagination every list endpoint uses.
 */
export function encodeCursor(row: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.id])).toString('base64url');
}

const cursorSchema = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

/** The position a cursor stands for, or `undefined` when it is not one this API handed out. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success) return undefined;
    const [createdAt, id] = parsed.data;
    return { createdAt: new Date(createdAt), id };
  } catch {
    return undefined;
  }
}
