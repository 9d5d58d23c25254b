import { parseRange } from './http-range';

describe('an HTTP byte range', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
  ])('%s of 1000 bytes is %j', (header, range) => {
    expect(parseRange(header, 1000)).toEqual(range);
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('%s of 1000 bytes cannot be satisfied', (header) => {
    expect(parseRange(header, 1000)).toBe('unsatisfiable');
  });

  it.each(['items=0-9', 'bytes=0-9,20-29', 'bytes=-', 'bytes=9-0', 'bytes=a-b', ''])('%j is not a single byte range: the whole file is sent', (header) => {
    expect(parseRange(header, 1000)).toBeNull();
  });
});
