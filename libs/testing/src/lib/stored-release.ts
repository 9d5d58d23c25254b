import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ReleaseRepository, SearchRepository } from '@sokoul/persistence';

export interface StoredReleaseSpec {
  title: string;
  infoHash: string;
  magnetUrl: string;
  sizeBytes: number;
  /** Whose search found it; null for a search nobody owns. */
  userId?: string | null;
}

/** A completed search of `userId`'s and one release of it, stored as the scout stores them. */
export async function storeRelease(dataSource: DataSource, spec: StoredReleaseSpec): Promise<{ searchId: string; releaseId: string }> {
  const searchId = randomUUID();
  await new SearchRepository(dataSource).create({ id: searchId, userId: spec.userId ?? null, query: spec.title });
  const releaseId = randomUUID();
  await new ReleaseRepository(dataSource).insertMany([
    {
      id: releaseId,
      searchId,
      dedupeKey: spec.infoHash,
      infoHash: spec.infoHash,
      guid: `guid-${releaseId}`,
      title: spec.title,
      indexers: ['Local'],
      indexerPriority: 25,
      sizeBytes: spec.sizeBytes,
      seeders: 1,
      peers: 0,
      publishedAt: null,
      magnetUrl: spec.magnetUrl,
      downloadUrl: null,
      infoUrl: null,
      imdbId: null,
      tmdbId: null,
      categories: [2000],
      freeleech: false,
      parsed: {},
      quality: 'Bluray-1080p',
      score: 100,
      accepted: true,
      meetsCutoff: true,
      reasons: [],
      rejections: [],
    },
  ]);
  return { searchId, releaseId };
}
