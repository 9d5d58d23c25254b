import type { TorrentSource } from '@sokoul/hunter/download-clients';
import { infoHashFromMagnet } from '@sokoul/torznab';
import { InvalidTorrentFileError, infoHashOfTorrentFile } from './torrent-file';

export interface TorrentFetchOptions {
  maxBytes: number;
  timeoutMs: number;
}

/** The source cannot become a torrent; `retryable` when trying again later may help (indexer down). */
export class TorrentSourceError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TorrentSourceError';
  }
}

const MAX_REDIRECTS = 5;

/**
 * Turns a release's link into something a BitTorrent client can add: a magnet as is, or a
 * .torrent fetched here (http/https only, size-capped, redirects followed by hand so a jump to
 * `file:` or an internal scheme is refused, and Jackett/Prowlarr's redirect to a magnet is
 * understood). Error messages never contain the URL: it may carry an indexer's API key.
 */
export async function resolveTorrentSource(sourceUrl: string, options: TorrentFetchOptions): Promise<TorrentSource> {
  let url = sourceUrl.trim();
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (/^magnet:/i.test(url)) {
      const infoHash = infoHashFromMagnet(url);
      if (!infoHash) throw new TorrentSourceError('the magnet link has no BitTorrent v1 info-hash', false);
      return { kind: 'magnet', uri: url, infoHash };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TorrentSourceError('the release link is not a URL', false);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TorrentSourceError(`refusing a ${parsed.protocol} link: only magnet, http and https`, false);

    let response: Response;
    try {
      response = await fetch(parsed, { redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: 'application/x-bittorrent, */*' } });
    } catch (error) {
      throw new TorrentSourceError(`the .torrent could not be fetched from ${parsed.host}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'}`, true);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new TorrentSourceError(`${parsed.host} redirected nowhere`, false);
      url = location.startsWith('magnet:') ? location : new URL(location, parsed).toString();
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new TorrentSourceError(`${parsed.host} answered ${response.status} for the .torrent`, response.status >= 500 || response.status === 429);
    }
    const data = await readCapped(response, options.maxBytes);
    try {
      return { kind: 'torrent-file', data, infoHash: infoHashOfTorrentFile(data) };
    } catch (error) {
      if (error instanceof InvalidTorrentFileError) throw new TorrentSourceError(error.message, false);
      throw error;
    }
  }
  throw new TorrentSourceError(`more than ${MAX_REDIRECTS} redirects`, false);
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new TorrentSourceError(`the .torrent is larger than ${maxBytes} bytes`, false);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) throw new TorrentSourceError(`the .torrent is larger than ${maxBytes} bytes`, false);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
