import { parseRetryAfter } from './retry-after';

const now = Date.parse('2026-11-30T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP-date as the time left until then', () => {
    expect(parseRetryAfter('Mon, 30 Nov 2026 12:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Monday, 30-Nov-26 12:00:03 GMT', now)).toBe(3_000);
  });

  it('treats an HTTP-date in the past as no wait', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, null, '', '   ', '-5', '1.5', 'soon', '2026-11-30T12:00:10Z', 'Mon, not a date'])('gives undefined for %p', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
