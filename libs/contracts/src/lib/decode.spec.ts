import { randomUUID } from 'node:crypto';
import { isSubject, MessageCatalog, subjectsOfKind } from './catalog';
import { decodeMessage } from './decode';
import { type Subject, Subjects } from './subjects';

const encoder = new TextEncoder();

function bytes(value: unknown): Uint8Array {
  return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function searchRequestedEnvelope(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    id: 'msg-1',
    type: 'search.requested',
    schemaVersion: 1,
    occurredAt: '2025-01-02T03:04:05.678Z',
    correlationId: 'corr-1',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    payload: { searchId: randomUUID(), query: 'The Matrix 1999', requestedBy: null, ...payload },
    ...overrides,
  };
}

function withoutKey<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...value };
  delete copy[key];
  return copy;
}

function expectRejected(result: ReturnType<typeof decodeMessage>, reason: string, detail: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.reason).toBe(reason);
  expect(result.detail).toMatch(detail);
}

describe('decodeMessage', () => {
  it('accepts a valid envelope and returns its metadata and the typed payload', () => {
    const envelope = searchRequestedEnvelope();

    const result = decodeMessage(Subjects.searchRequested, bytes(envelope));

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.envelope).toEqual(envelope);
    const { searchId, query, requestedBy } = result.envelope.payload;
    expect({ searchId, query, requestedBy }).toEqual(envelope.payload);
  });

  it('returns the payload as parsed by its schema (the query is trimmed)', () => {
    const result = decodeMessage(Subjects.searchRequested, bytes(searchRequestedEnvelope({}, { query: '  Dune  ' })));

    expect(result.ok && result.envelope.payload.query).toBe('Dune');
  });

  it('accepts an envelope without a traceparent (it is optional)', () => {
    const result = decodeMessage(Subjects.searchRequested, bytes(withoutKey(searchRequestedEnvelope(), 'traceparent')));

    expect(result.ok).toBe(true);
  });

  it('decodes an event with the schema its own subject is linked to', () => {
    const payload = {
      searchId: randomUUID(),
      status: 'completed',
      requestedBy: randomUUID(),
      releaseCount: 3,
      completedAt: '2025-01-02T03:04:05.678+01:00',
    };
    const envelope = { ...searchRequestedEnvelope({ type: 'search.completed' }), payload };

    const result = decodeMessage(Subjects.searchCompleted, bytes(envelope));

    expect(result.ok && result.envelope.payload).toEqual(payload);
  });

  it('rejects bytes that are not JSON as malformed', () => {
    expectRejected(decodeMessage(Subjects.searchRequested, bytes('{"id": "msg-1",')), 'malformed', /^not JSON/);
  });

  it('rejects JSON that is not an object as malformed', () => {
    expectRejected(decodeMessage(Subjects.searchRequested, bytes('"just a string"')), 'malformed', /^envelope:/);
  });

  it.each(['id', 'type', 'schemaVersion', 'occurredAt', 'correlationId'] as const)(
    'rejects an envelope without %s as malformed, naming the field',
    (field) => {
      const envelope = withoutKey(searchRequestedEnvelope(), field);

      expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', new RegExp(`envelope: .*${field}`));
    },
  );

  it('rejects an envelope with an unknown extra field as malformed', () => {
    const envelope = searchRequestedEnvelope({ priority: 'high' });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /envelope: .*priority/);
  });

  it('rejects an envelope whose traceparent is not a W3C traceparent as malformed', () => {
    const envelope = searchRequestedEnvelope({ traceparent: 'not-a-traceparent' });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /envelope: traceparent/);
  });

  it('rejects an envelope whose occurredAt is not an ISO date-time as malformed', () => {
    const envelope = searchRequestedEnvelope({ occurredAt: 'yesterday' });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /envelope: occurredAt/);
  });

  it('rejects a message whose type is not the one of its subject as wrong-type', () => {
    const envelope = searchRequestedEnvelope({ type: 'search.completed' });

    expectRejected(
      decodeMessage(Subjects.searchRequested, bytes(envelope)),
      'wrong-type',
      /expected type search\.requested, got search\.completed/,
    );
  });

  it('rejects a schemaVersion the catalog does not know as unknown-version, without guessing', () => {
    const envelope = searchRequestedEnvelope({ schemaVersion: 2 });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'unknown-version', /schemaVersion 2 is not 1/);
  });

  it('rejects a payload whose searchId is not a uuid as malformed, naming the field', () => {
    const envelope = searchRequestedEnvelope({}, { searchId: 'not-a-uuid' });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /^payload: searchId/);
  });

  it.each(['', '   '])('rejects a payload with an empty query (%j) as malformed', (query) => {
    const envelope = searchRequestedEnvelope({}, { query });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /^payload: query/);
  });

  it('rejects a payload with an unknown extra field as malformed', () => {
    const envelope = searchRequestedEnvelope({}, { tmdbId: 603 });

    expectRejected(decodeMessage(Subjects.searchRequested, bytes(envelope)), 'malformed', /^payload: .*tmdbId/);
  });

  it('rejects a payload that is missing a required field as malformed', () => {
    const envelope = searchRequestedEnvelope({}, {});
    const payload = withoutKey(envelope.payload, 'requestedBy');

    expectRejected(
      decodeMessage(Subjects.searchRequested, bytes({ ...envelope, payload })),
      'malformed',
      /^payload: requestedBy/,
    );
  });

  it('checks the payload against the schema of the subject it arrived on, not another one', () => {
    const completed = {
      ...searchRequestedEnvelope({ type: 'search.completed' }),
      payload: { searchId: randomUUID(), query: 'Dune', requestedBy: null },
    };

    expectRejected(decodeMessage(Subjects.searchCompleted, bytes(completed)), 'malformed', /^payload:/);
  });
});

describe('MessageCatalog', () => {
  const allSubjects = Object.values(Subjects) as Subject[];

  it('has an entry for every subject in Subjects', () => {
    for (const subject of allSubjects) {
      expect(isSubject(subject)).toBe(true);
      expect(MessageCatalog[subject].schema).toBeDefined();
    }
  });

  it('knows no subject that is missing from Subjects', () => {
    expect(Object.keys(MessageCatalog).sort()).toEqual([...allSubjects].sort());
    expect(isSubject('sokoul.search.unknown')).toBe(false);
  });

  it('puts every subject in exactly one of the command and event streams', () => {
    const commands = subjectsOfKind('command');
    const events = subjectsOfKind('event');

    expect(commands.filter((subject) => events.includes(subject))).toEqual([]);
    expect([...commands, ...events].sort()).toEqual([...allSubjects].sort());
  });

  it('gives every subject its own message type, so wrong-type can tell them apart', () => {
    const types = allSubjects.map((subject) => MessageCatalog[subject].type);

    expect(new Set(types).size).toBe(types.length);
  });
});
