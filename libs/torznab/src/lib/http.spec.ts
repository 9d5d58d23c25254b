import { TorznabFeedError } from './errors';
import { parseRetryAfter, readBoundedText, redactApiKey } from './http';

describe('redactApiKey', () => {
  it('redacts apikey, jackett_apikey and passkey parameters wherever they are', () => {
    expect(redactApiKey('http://jackett:9117/api/v2.0/indexers/tl/results/torznab?t=caps&apikey=s3cr3t')).toBe(
      'http://jackett:9117/api/v2.0/indexers/tl/results/torznab?t=caps&apikey=REDACTED',
    );
    expect(redactApiKey('http://jackett:9117/dl/tl/?jackett_apikey=s3cr3t&path=x')).toBe('http://jackett:9117/dl/tl/?jackett_apikey=REDACTED&path=x');
    expect(redactApiKey('https://t.example/rss?passkey=abc&APIKEY=def')).toBe('https://t.example/rss?passkey=REDACTED&APIKEY=REDACTED');
  });

  it('also removes the key itself from free text, raw or URL-encoded', () => {
    expect(redactApiKey('indexer said: key k3y/with+chars is invalid (k3y%2Fwith%2Bchars)', 'k3y/with+chars')).toBe('indexer said: key REDACTED is invalid (REDACTED)');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-04-16T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Tue, 16 Apr 2024 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 16 Apr 2024 11:00:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', '-5', '1.5'])('gives undefined for %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('readBoundedText', () => {
  function streamOf(chunks: number, chunkBytes: number): { response: Response; pulled: () => number } {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) {
          controller.close();
          return;
        }
        pulled += 1;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
      },
    });
    return { response: new Response(stream), pulled: () => pulled };
  }

  it('returns the body when it fits', async () => {
    await expect(readBoundedText(new Response('<rss/>'), 100)).resolves.toBe('<rss/>');
  });

  it('refuses a declared Content-Length above the limit without reading it', async () => {
    const response = new Response('x'.repeat(10), { headers: { 'content-length': '10' } });
    await expect(readBoundedText(response, 5)).rejects.toThrow(TorznabFeedError);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const { response, pulled } = streamOf(1000, 1024);
    await expect(readBoundedText(response, 10 * 1024)).rejects.toThrow(/exceeds 10240 bytes/);
    expect(pulled()).toBeLessThan(20);
  });

  it('decodes with the charset the Content-Type names', async () => {
    const latin1 = new Response(new Uint8Array([0x53, 0x68, 0xf4, 0x67, 0x75, 0x6e]), { headers: { 'content-type': 'application/xml; charset=ISO-8859-1' } });
    await expect(readBoundedText(latin1, 100)).resolves.toBe('Shôgun');
  });
});
