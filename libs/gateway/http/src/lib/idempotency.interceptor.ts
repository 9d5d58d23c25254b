import { type CallHandler, type ExecutionContext, type NestInterceptor, HttpStatus, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { type Observable, catchError, concatMap, from, of, switchMap, throwError } from 'rxjs';
import { type IdempotencyRecord, IdempotencyKeyRepository } from '@sokoul/persistence';
import { ProblemException } from './problem-details';

const TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim is held while its request runs: far longer than any request may take (a
 * statement gives up after 30 s, a publish after 5 s), short enough that a key whose gateway
 * died mid-request is not refused with 409 for a day. After it a retry runs again.
 */
export const PENDING_LEASE_SECONDS = 120;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Expired records are deleted at most this often, by whichever request comes first. */
const PURGE_EVERY_MS = 10 * 60 * 1000;

/**
 * Honours `Idempotency-Key` on POST (IETF httpapi-idempotency-key-header): the first request
 * with a key runs and its reply is kept 24 h; a retry with the same key and body gets the
 * same reply (with `Idempotency-Replayed: true`) without running again; the same key with
 * another body is a 422; a retry while the first is still running is a 409 (for
 * `PENDING_LEASE_SECONDS` at most: a request whose gateway died leaves no day-long lock).
 * Records are kept in Postgres (`IdempotencyKeyRepository`): they outlive a lost Redis, and
 * without Postgres the request could not run anyway (its failure is the usual 503).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private nextPurgeAt = Date.now() + PURGE_EVERY_MS;

  constructor(private readonly records: IdempotencyKeyRepository) {}

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
    const storeKey = `${owner}:${request.method}:${request.baseUrl}${request.path}:${key}`;
    this.purgeWhenDue();
    const fingerprint = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex');

    return from(this.records.claim(storeKey, fingerprint, PENDING_LEASE_SECONDS)).pipe(
      switchMap((previous: IdempotencyRecord | null) => {
        if (!previous) {
          return next.handle().pipe(
            // Stored before the reply leaves, so a retry sent on receiving it is replayed, not
            // told 409. A reply that cannot be stored is not replayed: a retry then runs again, once the lease is over.
            concatMap(async (body: unknown) => {
              await this.records.complete(storeKey, response.statusCode, body, TTL_SECONDS).catch(() => undefined);
              return body;
            }),
            // Released before the error is answered, so a retry sent on receiving it runs again.
            catchError((error: unknown) => from(this.records.release(storeKey).catch(() => undefined)).pipe(switchMap(() => throwError(() => error)))),
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

  /** Expired records count as absent anyway: deleting them only keeps the table small. */
  private purgeWhenDue(): void {
    if (Date.now() < this.nextPurgeAt) return;
    this.nextPurgeAt = Date.now() + PURGE_EVERY_MS;
    void this.records.purgeExpired().catch(() => undefined);
  }
}
