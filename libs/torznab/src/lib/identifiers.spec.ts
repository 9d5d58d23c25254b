import { infoHashFromMagnet, normalizeImdbId, normalizeInfoHash } from './identifiers';

describe('normalizeInfoHash', () => {
  it('lower-cases 40-character hex', () => {
    expect(normalizeInfoHash(' 3F8A1C2E9D4B7A6C5E0F1D2C3B4A59687766A1B2 ')).toBe('3f8a1c2e9d4b7a6c5e0f1d2c3b4a59687766a1b2');
  });

  it('decodes the 32-character base32 form (BEP 9) to hex, in either case', () => {
    // The pair RHash and Transmission print for the same torrent.
    expect(normalizeInfoHash('n2ixmnprkf36mrhywaxy36m3um5ymve6')).toBe('6e917635f15177e644f8b02f8df99ba33b86549e');
    expect(normalizeInfoHash('N2IXMNPRKF36MRHYWAXY36M3UM5YMVE6')).toBe('6e917635f15177e644f8b02f8df99ba33b86549e');
  });

  it.each([['too short', 'abc123'], ['not hex', 'z'.repeat(40)], ['a v2 multihash', '1220' + 'a'.repeat(64)], ['base32 with 0/1/8', '0'.repeat(32)], ['empty', '']])(
    'rejects %s',
    (_name, value) => {
      expect(normalizeInfoHash(value)).toBeUndefined();
    },
  );
});

describe('infoHashFromMagnet', () => {
  it('reads xt=urn:btih: in hex, base32 and percent-encoded forms', () => {
    expect(infoHashFromMagnet('magnet:?xt=urn:btih:C2E4A6B8D0F1E3C5A7B9D1F3E5C7A9B1D3F5E7C9&dn=Dune')).toBe('c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9');
    expect(infoHashFromMagnet('magnet:?dn=x&xt=urn:btih:n2ixmnprkf36mrhywaxy36m3um5ymve6')).toBe('6e917635f15177e644f8b02f8df99ba33b86549e');
    expect(infoHashFromMagnet('magnet:?xt=urn%3Abtih%3A4EA856F11734170DDD730CAA097C664ED4A9FDF9&dn=x')).toBe('4ea856f11734170ddd730caa097c664ed4a9fdf9');
  });

  it('finds the v1 hash of a hybrid magnet that lists a btmh first', () => {
    expect(infoHashFromMagnet(`magnet:?xt=urn:btmh:1220${'b'.repeat(64)}&xt=urn:btih:${'a'.repeat(40)}`)).toBe('a'.repeat(40));
  });

  it('returns undefined for a non-magnet or a magnet without btih', () => {
    expect(infoHashFromMagnet('http://tracker.example/download/1.torrent')).toBeUndefined();
    expect(infoHashFromMagnet('magnet:?dn=nothing')).toBeUndefined();
    expect(infoHashFromMagnet(undefined)).toBeUndefined();
  });
});

describe('normalizeImdbId', () => {
  it.each([
    ['tt0903747', 'tt0903747'],
    ['0903747', 'tt0903747'],
    ['903747', 'tt0903747'],
    ['TT15239678', 'tt15239678'],
    [15239678, 'tt15239678'],
    [' tt1160419 ', 'tt1160419'],
  ])('normalises %p to %p', (value, expected) => {
    expect(normalizeImdbId(value)).toBe(expected);
  });

  it.each(['tt', '0', 'tt0000000', 'tt123456789', 'nm0000123', 'abc', ''])('rejects %p', (value) => {
    expect(normalizeImdbId(value)).toBeUndefined();
  });
});
