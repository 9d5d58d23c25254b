import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TorznabApiError, TorznabAuthError, TorznabFeedError, TorznabRateLimitedError } from './errors';
import { parseFeed, type TorznabRelease } from './feed';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function byTitle(releases: readonly TorznabRelease[], title: string): TorznabRelease {
  const release = releases.find((candidate) => candidate.title === title);
  if (!release) throw new Error(`no release titled ${title}; have ${releases.map((candidate) => candidate.title).join(' | ')}`);
  return release;
}

describe('parseFeed on a Jackett feed', () => {
  const feed = parseFeed(fixture('jackett-dune-part-two.xml'));

  it('reads the channel title and every usable item, in document order', () => {
    expect(feed.title).toBe('TorrentLeech');
    expect(feed.releases.map((release) => release.title)).toEqual([
      'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX',
      'Dune.Part.Two.2024.1080p.BluRay.x264-SPARKS',
      'Dune: Part Two (2024) [720p] [WEBRip] [YTS.MX]',
      'Dune.Part.Two.2024.HDCAM.x264-NOGRP & Sample',
    ]);
  });

  it('reports the malformed items instead of failing the feed', () => {
    expect(feed.skipped).toEqual([
      { index: 4, reason: 'missing-title' },
      { index: 5, reason: 'invalid-size', title: 'Dune.Part.Two.2024.2160p.WEB-DL.x265.10bit.HDR.DDP5.1-RARBG' },
      { index: 6, reason: 'missing-size', title: 'Dune.Part.Two.2024.1080p.WEBRip.x264-GalaxyRG' },
    ]);
  });

  it('maps every field and torznab:attr of a complete private-tracker item', () => {
    const release = byTitle(feed.releases, 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX');
    expect(release).toMatchObject({
      guid: 'https://www.torrentleech.org/torrent/240963',
      comments: 'https://www.torrentleech.org/torrent/240963',
      size: 27778073805,
      categories: [2000, 2045, 100037],
      seeders: 1843,
      peers: 2115,
      leechers: 272,
      infoHash: '3f8a1c2e9d4b7a6c5e0f1d2c3b4a59687766a1b2',
      imdbId: 'tt15239678',
      tmdbId: 693134,
      files: 1,
      grabs: 20411,
      downloadVolumeFactor: 0,
      uploadVolumeFactor: 1,
      minimumRatio: 1,
      minimumSeedTime: 864000,
      indexer: { id: 'torrentleech', name: 'TorrentLeech' },
      enclosure: { length: 27778073805, type: 'application/x-bittorrent' },
    });
    expect(release.publishDate?.toISOString()).toBe('2024-04-16T07:12:44.000Z');
    expect(release.downloadUrl).toMatch(/^http:\/\/jackett:9117\/dl\/torrentleech\/\?jackett_apikey=.+&path=Q2ZESjhQdGRv&file=/);
    expect(release.magnetUrl).toBeUndefined();
    expect(release.attributes['category']).toEqual(['2000', '2045', '100037']);
  });

  it('takes the info-hash from the magnet (upper-case hex) when there is no infohash attribute', () => {
    const release = byTitle(feed.releases, 'Dune.Part.Two.2024.1080p.BluRay.x264-SPARKS');
    expect(release.infoHash).toBe('c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9');
    expect(release.magnetUrl).toMatch(/^magnet:\?xt=urn:btih:C2E4A6B8/);
    expect(release.imdbId).toBe('tt15239678');
  });

  it('reads a magnet-only item: base32 btih to hex, leechers to peers, decoded character references', () => {
    const release = byTitle(feed.releases, 'Dune: Part Two (2024) [720p] [WEBRip] [YTS.MX]');
    expect(release.infoHash).toBe('5dd1e7a3af22cd0eaf8cc5de09f07d2f89c9391e');
    expect(release.downloadUrl).toBeUndefined();
    expect(release.magnetUrl).toMatch(/^magnet:\?xt=urn:btih:LXI6PI5P/);
    expect(release.guid).toMatch(/^magnet:/);
    expect(release.enclosure?.type).toBe('application/x-bittorrent;x-scheme-handler/magnet');
    expect(release).toMatchObject({ seeders: 3120, leechers: 268, peers: 3388, size: 1556925644, categories: [2040] });
  });

  it('prefers the infohash attribute and decodes &amp; in titles', () => {
    const release = byTitle(feed.releases, 'Dune.Part.Two.2024.HDCAM.x264-NOGRP & Sample');
    expect(release.infoHash).toBe('e8f7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b');
    expect(release.imdbId).toBeUndefined();
    expect(release.downloadUrl).toContain('/dl/1337x/');
    expect(release.magnetUrl).toContain('urn:btih:e8f7d6c5');
  });
});

describe('parseFeed on a Prowlarr feed', () => {
  const feed = parseFeed(fixture('prowlarr-breaking-bad.xml'));

  it('keeps the usable items and names why the others were left out', () => {
    expect(feed.releases.map((release) => release.title)).toEqual([
      'Breaking.Bad.S05E16.Felina.1080p.BluRay.x264-ROVERS',
      'Breaking.Bad.S01.1080p.BluRay.x264-ROVERS',
    ]);
    expect(feed.skipped).toEqual([
      { index: 2, reason: 'invalid-size', title: 'Breaking.Bad.S02.2160p.WEB-DL.DDP5.1.HEVC-NOSIZE' },
      { index: 3, reason: 'missing-link', title: 'Breaking.Bad.S03E07.One.Minute.720p.HDTV.x264-ORENJi' },
    ]);
  });

  it('pads the bare imdb attribute to tt + 7 digits and reads the TV ids and factors', () => {
    const release = byTitle(feed.releases, 'Breaking.Bad.S05E16.Felina.1080p.BluRay.x264-ROVERS');
    expect(release).toMatchObject({
      imdbId: 'tt0903747',
      tvdbId: 81189,
      tmdbId: 1396,
      seeders: 156,
      peers: 170,
      leechers: 14,
      categories: [5040, 100002],
      downloadVolumeFactor: 0,
      uploadVolumeFactor: 2,
      minimumRatio: 1.5,
      minimumSeedTime: 604800,
      indexer: { id: '4', name: 'BeyondHD' },
    });
    expect(release.attributes['tag']).toEqual(['freeleech', 'internal']);
  });

  it('decodes a percent-encoded btih, ignores impossible leechers and out-of-range factors', () => {
    const release = byTitle(feed.releases, 'Breaking.Bad.S01.1080p.BluRay.x264-ROVERS');
    expect(release.link).toBeUndefined();
    expect(release.downloadUrl).toBeUndefined();
    expect(release.infoHash).toBe('4ea856f11734170ddd730caa097c664ed4a9fdf9');
    expect(release.seeders).toBe(455);
    expect(release.peers).toBe(410);
    expect(release.leechers).toBeUndefined();
    expect(release.downloadVolumeFactor).toBe(1);
    expect(release.uploadVolumeFactor).toBe(1);
    expect(release.comments).toBe('https://nyaa-like.example/view/818231#comments');
  });
});

describe('parseFeed on other shapes', () => {
  it('reads season and episode attributes as a native Torznab indexer writes them', () => {
    const feed = parseFeed(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>bitmagnet</title>
  <item>
    <title>Shogun.2024.S01E09.Crimson.Sky.1080p.HULU.WEB-DL.DDP5.1.H.264-NTb</title>
    <guid>23456789abcdef0123456789abcdef0123456789</guid>
    <pubDate>Tue, 16 Apr 2024 03:05:19 +0000</pubDate>
    <enclosure url="magnet:?xt=urn:btih:23456789abcdef0123456789abcdef0123456789" type="application/x-bittorrent;x-scheme-handler/magnet" length="0" />
    <torznab:attr name="category" value="5000" />
    <torznab:attr name="category" value="5040" />
    <torznab:attr name="size" value="3081639731" />
    <torznab:attr name="season" value="S01" />
    <torznab:attr name="episode" value="9" />
    <torznab:attr name="imdb" value="tt2788316" />
    <torznab:attr name="seeders" value="512" />
    <torznab:attr name="peers" value="540" />
  </item>
</channel></rss>`);
    expect(feed.skipped).toEqual([]);
    expect(feed.releases[0]).toMatchObject({
      season: 1,
      episode: 9,
      imdbId: 'tt2788316',
      size: 3081639731,
      infoHash: '23456789abcdef0123456789abcdef0123456789',
      guid: '23456789abcdef0123456789abcdef0123456789',
      categories: [5000, 5040],
    });
  });

  it('answers an empty channel with no releases', () => {
    expect(parseFeed('<rss version="2.0"><channel><title>Empty</title></channel></rss>')).toEqual({ title: 'Empty', releases: [], skipped: [] });
  });

  it('throws TorznabAuthError for error codes 100-199', () => {
    const parse = () => parseFeed('<?xml version="1.0" encoding="UTF-8"?>\n<error code="100" description="Invalid API Key" />');
    expect(parse).toThrow(TorznabAuthError);
    expect(parse).toThrow(expect.objectContaining({ kind: 'auth', code: 100 }));
  });

  it('throws TorznabApiError with the code and description for other Torznab errors', () => {
    const parse = () => parseFeed('<error code="203" description="Function Not Available: imdbid is not supported for movie search by this indexer"/>');
    expect(parse).toThrow(TorznabApiError);
    expect(parse).toThrow(expect.objectContaining({ code: 203, description: 'Function Not Available: imdbid is not supported for movie search by this indexer' }));
  });

  it('throws TorznabRateLimitedError for "Request limit reached"', () => {
    expect(() => parseFeed('<error code="500" description="Request limit reached"/>')).toThrow(TorznabRateLimitedError);
  });

  it.each([
    ['truncated XML', '<?xml version="1.0"?><rss version="2.0"><channel><item><title>Dune.2021'],
    ['an HTML error page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><br></body></html>'],
    ['plain text', 'Service Unavailable'],
    ['an empty body', ''],
    ['a document that is not RSS', '<?xml version="1.0"?><caps><server title="Jackett"/></caps>'],
  ])('throws TorznabFeedError for %s', (_name, xml) => {
    expect(() => parseFeed(xml)).toThrow(TorznabFeedError);
  });
});
