import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { EventPattern, Payload, Server } from '@nestjs/microservices';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocketGateway } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
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
