import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('a keyset cursor', () => {
  const row = { createdAt: '2026-11-24T10:00:00.123Z', id: '6f0c7a3e-2b1d-4c5e-8f9a-0b1c2d3e4f5a' };

  it('comes back as the position it was made from', () => {
    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: new Date(row.createdAt), id: row.id });
  });

  it.each(['', 'not-base64-json', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["2026-11-24T10:00:00Z","x"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')])(
    'is refused when it was not handed out by the API: %j',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeUndefined();
    },
  );
});
