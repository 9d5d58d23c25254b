import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Unique per process, readable in logs and consumer names: host, pid and a random suffix. */
export function createInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
