import type { JsMsg } from 'nats';
import { type ReleasesValidated, type SearchCompleted, Subjects } from '@sokoul/contracts';
import { MessageContext, createEnvelope } from '@sokoul/messaging';
import type { ClientEvent, RealtimeGateway } from './realtime.gateway';
import { SearchEventsHandler } from './search-events.handler';

/** Only `broadcast` exists: touching anything else on the gateway fails the test. */
function strictGateway(broadcast: jest.Mock<number, [ClientEvent, string | null]>): RealtimeGateway {
  const members: Record<PropertyKey, unknown> = { broadcast };
  return new Proxy(members, {
    get(target, property) {
      if (property in target) return target[property];
      throw new Error(`unexpected use of RealtimeGateway.${String(property)}`);
    },
  }) as unknown as RealtimeGateway;
}

function completedContext(payload: SearchCompleted, correlationId = 'corr-7') {
  const envelope = createEnvelope(Subjects.searchCompleted, payload, { id: `search.completed:${payload.searchId}`, correlationId });
  // The handler reads the envelope only; the JetStream message behind it is never touched.
  const msg = new Proxy({}, { get: (_target, property) => { throw new Error(`unexpected use of JsMsg.${String(property)}`); } });
  return { envelope, context: new MessageContext(msg as JsMsg, Subjects.searchCompleted, envelope, 'gateway-host-1-sokoul_search_completed') };
}

const completed: SearchCompleted = {
  searchId: '0b7e3a5c-6f3e-4c0e-9a57-2f8e1d4c7b21',
  status: 'completed',
  requestedBy: '5d1b8f0e-2a4c-4e6b-8d3f-9c7a1e2b4f60',
  releaseCount: 12,
  completedAt: '2025-03-04T05:06:07.890Z',
};

describe('SearchEventsHandler', () => {
  it("forwards the payload with the envelope type, id and occurredAt, addressed to the search's requester", () => {
    const broadcast = jest.fn<number, [ClientEvent, string | null]>().mockReturnValue(2);
    const handler = new SearchEventsHandler(strictGateway(broadcast));
    const { envelope, context } = completedContext(completed);

    handler.completed(envelope.payload, context);

    expect(broadcast).toHaveBeenCalledTimes(1);
    expect(broadcast).toHaveBeenCalledWith(
      { type: 'search.completed', id: `search.completed:${completed.searchId}`, occurredAt: envelope.occurredAt, data: completed },
      '5d1b8f0e-2a4c-4e6b-8d3f-9c7a1e2b4f60',
    );
  });

  it('forwards a failed search with its error unchanged', () => {
    const broadcast = jest.fn<number, [ClientEvent, string | null]>().mockReturnValue(1);
    const handler = new SearchEventsHandler(strictGateway(broadcast));
    const failed: SearchCompleted = { ...completed, status: 'failed', releaseCount: 0, requestedBy: null, error: 'indexer unreachable' };
    const { envelope, context } = completedContext(failed);

    handler.completed(envelope.payload, context);

    expect(broadcast.mock.calls[0][0].data).toEqual(failed);
  });

  it.each([
    ['a user', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
    ['nobody (admins only)', null],
  ])('addresses the event to the requester, %s', (_case, requestedBy) => {
    const broadcast = jest.fn<number, [ClientEvent, string | null]>().mockReturnValue(1);
    const handler = new SearchEventsHandler(strictGateway(broadcast));
    const { envelope, context } = completedContext({ ...completed, requestedBy });

    handler.completed(envelope.payload, context);

    expect(broadcast.mock.calls).toEqual([[expect.objectContaining({ data: expect.objectContaining({ requestedBy }) }), requestedBy]]);
  });

  it('does not fail when no client is connected (broadcast reached nobody)', () => {
    const broadcast = jest.fn<number, [ClientEvent, string | null]>().mockReturnValue(0);
    const handler = new SearchEventsHandler(strictGateway(broadcast));
    const { envelope, context } = completedContext(completed);

    expect(() => handler.completed(envelope.payload, context)).not.toThrow();
    expect(broadcast).toHaveBeenCalledTimes(1);
  });

  it("forwards the oracle's verdicts to the search's requester", () => {
    const broadcast = jest.fn<number, [ClientEvent, string | null]>().mockReturnValue(1);
    const handler = new SearchEventsHandler(strictGateway(broadcast));
    const validated: ReleasesValidated = {
      searchId: completed.searchId,
      requestedBy: completed.requestedBy,
      verdicts: [{ releaseId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', verdict: 'mismatch', confidence: 0.9, reasons: ['A cam recording'], scoreAdjustment: -91, judgedBy: 'heuristic' }],
      validatedAt: '2025-03-04T05:06:09.000Z',
    };
    const envelope = createEnvelope(Subjects.releasesValidated, validated, { id: `releases.validated:${validated.searchId}` });
    const msg = new Proxy({}, { get: (_target, property) => { throw new Error(`unexpected use of JsMsg.${String(property)}`); } });

    handler.validated(validated, new MessageContext(msg as JsMsg, Subjects.releasesValidated, envelope, 'gateway-host-1-sokoul_releases_validated'));

    expect(broadcast).toHaveBeenCalledWith({ type: 'releases.validated', id: `releases.validated:${validated.searchId}`, occurredAt: envelope.occurredAt, data: validated }, completed.requestedBy);
  });
});
