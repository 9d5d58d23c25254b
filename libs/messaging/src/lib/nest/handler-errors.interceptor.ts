import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { type Observable, catchError, throwError } from 'rxjs';

/**
 * Lets a message handler's own error reach the consumer runner. Nest's RPC exception filter
 * turns any error that is not an `RpcException` into `{ status: 'error', message: 'Internal
 * server error' }`: a `NonRetryableError` would lose its class (and be retried until it is
 * dead-lettered as `handler-failed`) and every failure its message. Wrapped in an
 * `RpcException`, the filter hands the original error on unchanged. HTTP is left alone.
 */
@Injectable()
export class HandlerErrorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return next.handle().pipe(catchError((error: unknown) => throwError(() => (error instanceof RpcException ? error : new RpcException(error as object)))));
  }
}

/**
 * The handler's error as it threw it: unwrapped when an application's catch-all filter (the
 * gateway's problem-details filter) rethrew the interceptor's `RpcException` as is.
 */
export function handlerError(error: unknown): unknown {
  return error instanceof RpcException ? error.getError() : error;
}
