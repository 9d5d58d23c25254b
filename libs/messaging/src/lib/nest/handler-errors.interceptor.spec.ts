import { type ArgumentsHost, Catch, Controller, type ExceptionFilter, Get, type INestApplication, type INestMicroservice, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { EventPattern, Payload, Server } from '@nestjs/microservices';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { WebSocketGateway } from '@nestjs/websockets';
import request from 'supertest';
import { lastValueFrom } from 'rxjs';
import { Subjects } from '@sokoul/contracts';
import { NonRetryableError } from '../core/errors';
import { connectMessageHandlers } from './connect-message-handlers';
import { HandlerErrorsInterceptor, handlerError } from './handler-errors.interceptor';

/** A transport that only keeps the handlers, to call them the way JetStreamServer does. */
class CapturingServer extends Server {
  listen(callback: () => void): void {
    callback();
  }
  close(): void {
    this.messageHandlers.clear();
  }
  on(): never {
    throw new Error('no events');
  }
  unwrap<T>(): T {
    throw new Error('nothing to unwrap');
  }
  async deliver(subject: string, payload: unknown): Promise<unknown> {
    const handler = this.messageHandlers.get(subject);
    if (!handler) throw new Error(`no handler for ${subject}`);
    try {
      return await lastValueFrom(this.transformToObservable(await handler(payload, {})), { defaultValue: undefined });
    } catch (error) {
      throw handlerError(error);
    }
  }
}

/** Like the gateway's problem-details filter: HTTP only, anything else rethrown as is. */
@Catch()
class HttpOnlyFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
  }
}

@Controller()
class RefusingHandler {
  @EventPattern(Subjects.searchRequested)
  handle(@Payload() payload: { searchId: string }): Promise<void> {
    return Promise.reject(new NonRetryableError(`search ${payload.searchId} does not exist`));
  }
}

async function microservice(providers: Provider[]): Promise<{ app: INestMicroservice; server: CapturingServer }> {
  @Module({ controllers: [RefusingHandler], providers })
  class HandlersModule {}
  const moduleRef = await Test.createTestingModule({ imports: [HandlersModule] }).compile();
  const server = new CapturingServer();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  await app.listen();
  return { app, server };
}

describe('HandlerErrorsInterceptor', () => {
  it('hands the handler’s own error to the transport, so a NonRetryableError is recognised as one', async () => {
    const { app, server } = await microservice([{ provide: APP_INTERCEPTOR, useClass: HandlerErrorsInterceptor }]);

    const delivered = server.deliver(Subjects.searchRequested, { searchId: 's-1' });

    await expect(delivered).rejects.toBeInstanceOf(NonRetryableError);
    await expect(delivered).rejects.toThrow('search s-1 does not exist');
    await app.close();
  });

  it('hands it on too when an application filter rethrows what it does not handle', async () => {
    const { app, server } = await microservice([
      { provide: APP_INTERCEPTOR, useClass: HandlerErrorsInterceptor },
      { provide: APP_FILTER, useClass: HttpOnlyFilter },
    ]);

    await expect(server.deliver(Subjects.searchRequested, { searchId: 's-2' })).rejects.toBeInstanceOf(NonRetryableError);
    await app.close();
  });

  it('is needed: without it Nest replaces the error with an anonymous "Internal server error"', async () => {
    const { app, server } = await microservice([]);

    const delivered = server.deliver(Subjects.searchRequested, { searchId: 's-1' });

    await expect(delivered).rejects.toEqual({ status: 'error', message: 'Internal server error' });
    await app.close();
  });
});

@Controller()
class HybridController {
  @Get('searches')
  list(): { items: unknown[] } {
    return { items: [] };
  }

  @EventPattern(Subjects.searchRequested)
  handle(@Payload() payload: { searchId: string }): Promise<void> {
    return Promise.reject(new NonRetryableError(`search ${payload.searchId} does not exist`));
  }
}

/** The app's WebSocket gateway is registered once, by the app, with the app's adapter. */
@WebSocketGateway({ path: '/ws' })
class EventsGateway {}

@Module({ controllers: [HybridController], providers: [EventsGateway] })
class HybridModule {}

describe('connectMessageHandlers', () => {
  let app: INestApplication;
  let server: CapturingServer;
  let intercepted: jest.SpyInstance;

  beforeEach(async () => {
    intercepted = jest.spyOn(HandlerErrorsInterceptor.prototype, 'intercept');
    const moduleRef = await Test.createTestingModule({ imports: [HybridModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new WsAdapter(app));
    server = new CapturingServer();
    connectMessageHandlers(app, server);
    await app.startAllMicroservices();
    await app.init();
  });

  afterEach(async () => {
    await app.close();
    intercepted.mockRestore();
  });

  it('hands a message handler’s own error to the transport, so a NonRetryableError is recognised as one', async () => {
    const delivered = server.deliver(Subjects.searchRequested, { searchId: 's-1' });

    await expect(delivered).rejects.toBeInstanceOf(NonRetryableError);
    await expect(delivered).rejects.toThrow('search s-1 does not exist');
    expect(intercepted).toHaveBeenCalledTimes(1);
  });

  it('leaves the HTTP routes of the same app without an interceptor chain', async () => {
    await request(app.getHttpServer()).get('/searches').expect(200, { items: [] });

    expect(intercepted).not.toHaveBeenCalled();
  });
});
