import { Injectable, Logger } from '@nestjs/common';
import type { Media, QualityProfileChanged } from '@sokoul/contracts';
import { BlocklistRepository, type ReleaseEntity, ReleaseRepository, SearchRepository } from '@sokoul/persistence';
import type { ParsedRelease } from '@sokoul/release-parser';
import type { QualityProfile } from '@sokoul/release-ranking';
import { ReleaseRanker } from './release-ranker.service';

interface SearchRanking {
  media: Media | null;
  profile: QualityProfile;
}

/**
 * A quality profile changed: every stored release of the searches it ranks is ranked again,
 * from what was stored (the parsed title, size, seeders), without asking an indexer. Running
 * it twice gives the same result, so a redelivered event is harmless.
 */
@Injectable()
export class ReleaseRescoringService {
  private readonly logger = new Logger(ReleaseRescoringService.name);

  constructor(
    private readonly releases: ReleaseRepository,
    private readonly blocklist: BlocklistRepository,
    private readonly searches: SearchRepository,
    private readonly ranker: ReleaseRanker,
  ) {}

  async rescore(change: QualityProfileChanged): Promise<number> {
    // Searches without a profile follow the default; a deleted profile's searches now do too.
    const affected: Array<string | null> = change.change === 'deleted' ? [null] : change.isDefault ? [change.profileId, null] : [change.profileId];
    const bySearch = new Map<string, SearchRanking>();
    const profiles = new Map<string | null, QualityProfile>();
    let count = 0;
    for await (const batch of this.releases.inSearchesOfProfiles(affected)) {
      const rankings = [];
      const blocked = await this.blocklist.blockedAmong(batch.flatMap((r) => (r.infoHash ? [r.infoHash] : [])));
      for (const release of batch) {
        const { media, profile } = bySearch.get(release.searchId) ?? (await this.rankingOf(release.searchId, profiles, bySearch));
        const blocklisted = release.infoHash !== null && blocked.has(release.infoHash);
        rankings.push({ id: release.id, ...this.ranker.rank({ ...rankable(release), blocklisted }, profile, media) });
      }
      await this.releases.updateRankings(rankings);
      count += rankings.length;
    }
    this.logger.log({ msg: 'releases re-ranked', profileId: change.profileId, change: change.change, releases: count });
    return count;
  }

  private async rankingOf(searchId: string, profiles: Map<string | null, QualityProfile>, bySearch: Map<string, SearchRanking>): Promise<SearchRanking> {
    const search = await this.searches.findById(searchId);
    const profileId = search?.profileId ?? null;
    const profile = profiles.get(profileId) ?? (await this.ranker.profileFor(profileId));
    profiles.set(profileId, profile);
    const ranking = { media: (search?.media as Media | null) ?? null, profile };
    bySearch.set(searchId, ranking);
    return ranking;
  }
}

function rankable(release: ReleaseEntity) {
  return {
    title: release.title,
    parsed: release.parsed as unknown as ParsedRelease,
    sizeBytes: release.sizeBytes,
    seeders: release.seeders,
    peers: release.peers,
    indexerPriority: release.indexerPriority,
    freeleech: release.freeleech,
    publishedAt: release.publishedAt,
  };
}
