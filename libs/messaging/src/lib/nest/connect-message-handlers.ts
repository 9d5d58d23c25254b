import type { INestApplication } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { NestMicroservice } from '@nestjs/microservices/nest-microservice';
import { HandlerErrorsInterceptor } from './handler-errors.interceptor';
import { JetStreamServer } from './jetstream.server';

/**
 * Mounts the app's `@EventPattern` handlers on JetStream. The handlers get a configuration of
 * their own, not the HTTP app's, so that `HandlerErrorsInterceptor` applies to them alone.
 * Registered app-wide (`APP_INTERCEPTOR`), any interceptor makes Nest run its interceptor chain
 * (rxjs, two `AsyncResource.bind`) on every HTTP request too, a tenth of the gateway's CPU
 * per request (measured). The HTTP app's global guards and filters let anything but HTTP
 * through, so the handlers lose nothing by not inheriting them. Call `startAllMicroservices` after.
 */
export function connectMessageHandlers(app: INestApplication, strategy: CustomTransportStrategy = app.get(JetStreamServer)): NestMicroservice {
  const handlers = app.connectMicroservice({ strategy }, { inheritAppConfig: false, deferInitialization: true }) as NestMicroservice;
  handlers.useGlobalInterceptors(new HandlerErrorsInterceptor());
  // What `connectMicroservice` does when not deferred, now that the interceptor is in place (a
  // handler is bound with the interceptors present at that moment). Not `init()`: it would
  // register the app's WebSocket gateways a second time, without the app's adapter.
  handlers.registerListeners();
  handlers.setIsInitialized(true);
  handlers.setIsInitHookCalled(true);
  return handlers;
}
