import { Injectable, Logger } from '@nestjs/common';
import type { Media } from '@sokoul/contracts';
import { QualityProfileRepository, type RankingLine } from '@sokoul/persistence';
import type { ParsedRelease } from '@sokoul/release-parser';
import { DEFAULT_QUALITY_PROFILE, type QualityProfile, qualityProfileSchema, rankRelease } from '@sokoul/release-ranking';

export interface RankableRelease {
  title: string;
  parsed: ParsedRelease;
  sizeBytes: number;
  seeders: number | null;
  peers: number | null;
  indexerPriority: number;
  freeleech: boolean;
  publishedAt: Date | null;
  /** On the blocklist: never grabbed, shown with the reason. */
  blocklisted?: boolean;
}

export interface Ranking {
  quality: string;
  score: number;
  accepted: boolean;
  meetsCutoff: boolean;
  reasons: RankingLine[];
  rejections: RankingLine[];
}

/** Ranks releases against the search's quality profile (its own, else the default one). */
@Injectable()
export class ReleaseRanker {
  private readonly logger = new Logger(ReleaseRanker.name);

  constructor(private readonly profiles: QualityProfileRepository) {}

  async profileFor(profileId: string | null): Promise<QualityProfile> {
    const entity = (profileId ? await this.profiles.findById(profileId) : null) ?? (await this.profiles.findDefault());
    if (!entity) return DEFAULT_QUALITY_PROFILE;
    const parsed = qualityProfileSchema.safeParse({ ...entity.rules, name: entity.name });
    if (parsed.success) return parsed.data;
    this.logger.warn({ msg: 'stored quality profile does not validate; ranking with the built-in default', profileId: entity.id });
    return DEFAULT_QUALITY_PROFILE;
  }

  rank(release: RankableRelease, profile: QualityProfile, media: Media | null): Ranking {
    const ranked = rankRelease(
      {
        title: release.title,
        parsed: release.parsed,
        sizeBytes: release.sizeBytes,
        seeders: release.seeders,
        peers: release.peers,
        indexerPriority: release.indexerPriority,
        freeleech: release.freeleech,
        publishedAt: release.publishedAt ?? undefined,
        blocklisted: release.blocklisted ?? false,
      },
      profile,
      media ? { kind: media.kind, title: media.title, year: media.year ?? undefined, season: media.season ?? undefined, episode: media.episode ?? undefined } : {},
    );
    return {
      quality: ranked.quality,
      score: Math.round(ranked.score),
      accepted: ranked.accepted,
      meetsCutoff: ranked.meetsCutoff,
      reasons: ranked.reasons.map((r) => ({ code: r.code, points: r.points, detail: r.detail })),
      rejections: ranked.rejections.map((r) => ({ code: r.code, detail: r.detail })),
    };
  }
}
