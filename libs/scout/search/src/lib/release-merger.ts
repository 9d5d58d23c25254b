import type { IndexerHit } from './indexer-search.service';

/** One release however many indexers listed it. */
export interface MergedRelease {
  dedupeKey: string;
  infoHash: string | null;
  guid: string;
  title: string;
  /** Names of the indexers that listed it, the preferred (lowest priority number) first. */
  indexers: string[];
  /** The best (lowest) priority among them. */
  indexerPriority: number;
  sizeBytes: number;
  seeders: number | null;
  peers: number | null;
  publishedAt: Date | null;
  magnetUrl: string | null;
  downloadUrl: string | null;
  infoUrl: string | null;
  imdbId: string | null;
  tmdbId: number | null;
  categories: number[];
  freeleech: boolean;
}

const max = (a: number | null, b: number | undefined) => (b === undefined ? a : a === null ? b : Math.max(a, b));

/**
 * Merges what several indexers returned: the same info-hash is one release (GUID when an
 * indexer gives no hash), keeping the preferred indexer's title and links, the highest seeder
 * count (trackers report at different times), the earliest publication, every category, and
 * freeleech if any indexer offers it.
 */
export function mergeHits(hits: readonly IndexerHit[]): MergedRelease[] {
  const ordered = [...hits].sort((a, b) => a.indexer.priority - b.indexer.priority || a.indexer.name.localeCompare(b.indexer.name));
  const merged = new Map<string, MergedRelease>();
  for (const { indexer, release } of ordered) {
    const key = release.infoHash ?? `guid:${release.guid}`.slice(0, 300);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, {
        dedupeKey: key,
        infoHash: release.infoHash ?? null,
        guid: release.guid.slice(0, 2000),
        title: release.title.slice(0, 1000),
        indexers: [indexer.name],
        indexerPriority: indexer.priority,
        sizeBytes: release.size,
        seeders: release.seeders ?? null,
        peers: release.peers ?? null,
        publishedAt: release.publishDate ?? null,
        magnetUrl: release.magnetUrl ?? null,
        downloadUrl: release.downloadUrl ?? null,
        infoUrl: release.comments ?? null,
        imdbId: release.imdbId ?? null,
        tmdbId: release.tmdbId ?? null,
        categories: [...release.categories],
        freeleech: release.downloadVolumeFactor === 0,
      });
      continue;
    }
    if (!existing.indexers.includes(indexer.name)) existing.indexers.push(indexer.name);
    existing.seeders = max(existing.seeders, release.seeders);
    existing.peers = max(existing.peers, release.peers);
    if (release.publishDate && (!existing.publishedAt || release.publishDate < existing.publishedAt)) existing.publishedAt = release.publishDate;
    existing.magnetUrl ??= release.magnetUrl ?? null;
    existing.downloadUrl ??= release.downloadUrl ?? null;
    existing.imdbId ??= release.imdbId ?? null;
    existing.tmdbId ??= release.tmdbId ?? null;
    existing.categories = [...new Set([...existing.categories, ...release.categories])];
    existing.freeleech ||= release.downloadVolumeFactor === 0;
  }
  return [...merged.values()];
}
