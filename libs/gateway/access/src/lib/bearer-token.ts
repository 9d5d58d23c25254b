import type { Request } from 'express';

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer +([A-Za-z0-9\-_.]+)$/i.exec(request.header('authorization') ?? '')?.[1];
}
