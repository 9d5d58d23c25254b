import type { Request } from 'express';
import type { ClientInfo } from './auth.dto';

export function clientInfo(request: Request): ClientInfo {
  return { ip: request.ip ?? null, userAgent: request.header('user-agent')?.slice(0, 300) ?? null };
}
