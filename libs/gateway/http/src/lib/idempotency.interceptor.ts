import { type CallHandler, type ExecutionContext, type NestInterceptor, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { type Observable, from, of, switchMap, tap } from 'rxjs';
import { REDIS_CLIENT } from '@sokoul/redis';
import { ProblemException, ServiceUnavailableProblem } from './problem-details';

const TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim is held while its request runs: far longer than any request may take (a
 * statement gives up after 30 s, a publish after 5 s), short enough that a key whose gateway
 * died mid-request is not refused with 409 for a day. After it a retry runs again.
 */
export const PENDING_LEASE_SECONDS = 120;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface StoredReply {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
}

/**
 * Honours `Idempotency-Key` on POST (IETF httpapi-idempotency-key-header): the first request
 * with a key runs and its reply is kept 24 h; a retry with the same key and body gets the
 * same reply (with `Idempotency-Replayed: true`) without running again; the same key with
 * another body is a 422; a retry while the first is still running is a 409 (for
 * `PENDING_LEASE_SECONDS` at most: a request whose gateway died leaves no day-long lock).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.header('idempotency-key');
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'idempotency-key', 'Invalid Idempotency-Key', 'The key must be 1 to 255 printable ASCII characters.');
    }
    // Keys are per caller (set by the access guard, which runs before interceptors).
    const owner = (request as Request & { principal?: { userId?: string } }).principal?.userId ?? 'anonymous';
    const storeKey = `idempotency:${owner}:${request.method}:${request.baseUrl}${request.path}:${key}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex');

    return from(this.claim(storeKey, fingerprint)).pipe(
      switchMap((previous) => {
        if (!previous) {
          return next.handle().pipe(
            tap({
              next: (body) => void this.store(storeKey, { state: 'done', fingerprint, status: response.statusCode, body }),
              error: () => void this.redis.del(storeKey).catch(() => undefined),
            }),
          );
        }
        if (previous.fingerprint !== fingerprint) {
          throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, 'idempotency-key-reused', 'Idempotency-Key reused', 'This key was used with a different request body.');
        }
        if (previous.state === 'pending') {
          throw new ProblemException(HttpStatus.CONFLICT, 'idempotency-key-in-use', 'Request in progress', 'A request with this key is still being processed; retry later.', {}, { 'Retry-After': '1' });
        }
        response.status(previous.status ?? HttpStatus.OK);
        response.setHeader('Idempotency-Replayed', 'true');
        return of(previous.body);
      }),
    );
  }

  /** Returns the earlier reply (or pending claim) for this key, or null if this request claimed it. */
  private async claim(storeKey: string, fingerprint: string): Promise<StoredReply | null> {
    const pending: StoredReply = { state: 'pending', fingerprint };
    try {
      const claimed = await this.redis.set(storeKey, JSON.stringify(pending), 'EX', PENDING_LEASE_SECONDS, 'NX');
      if (claimed === 'OK') return null;
      const existing = await this.redis.get(storeKey);
      // Expired between the two calls: claim again.
      return existing ? (JSON.parse(existing) as StoredReply) : this.claim(storeKey, fingerprint);
    } catch {
      // Without the store we cannot promise "at most once", so we refuse rather than risk a duplicate.
      throw new ServiceUnavailableProblem('Idempotency keys cannot be checked right now.', 5);
    }
  }

  private async store(storeKey: string, reply: StoredReply): Promise<void> {
    await this.redis.set(storeKey, JSON.stringify(reply), 'EX', TTL_SECONDS).catch(() => undefined);
  }
}
