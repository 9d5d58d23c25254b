import type { Request } from 'express';

/** Where a request came from, as the audit log and refresh tokens keep it. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function clientInfo(request: Request): ClientInfo {
  return { ip: request.ip ?? null, userAgent: request.header('user-agent')?.slice(0, 300) ?? null };
}
