import { z } from 'zod';
import type { ReleaseCursor, ReleaseEntity } from '@sokoul/persistence';
import type { ParsedRelease } from '@sokoul/release-parser';

export const listReleasesSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(300).optional(),
});
export type ListReleasesDto = z.infer<typeof listReleasesSchema>;

export const parseQuerySchema = z.strictObject({
  title: z
    .string({ error: 'title is required, once' })
    .min(1, { error: 'title must not be empty' })
    .max(500, { error: 'title must be at most 500 characters' })
    .refine((title) => title.trim().length > 0, { error: 'title must not be blank' }),
});
export type ParseQueryDto = z.infer<typeof parseQuerySchema>;

const nullableString = (description: string) => z.string().nullable().describe(description);

/**
 * `ParsedRelease` of `@sokoul/release-parser`, for the API reference. `satisfies` keeps its
 * fields those of the parser's type: a field added there fails to compile here until documented.
 */
export const parsedReleaseSchema = z.object({
  raw: z.string(),
  kind: z.string().describe('movie, episode, season, daily or anime'),
  title: z.string().describe('the clean title; empty when the name starts with the episode'),
  alternativeTitles: z.array(z.string()),
  year: z.number().int().nullable(),
  season: z.number().int().nullable(),
  episodes: z.array(z.number().int()),
  absoluteEpisodes: z.array(z.number().int()),
  specialAbsoluteEpisodes: z.array(z.number()),
  airDate: nullableString('daily shows: YYYY-MM-DD'),
  dailyPart: z.number().int().nullable(),
  fullSeason: z.boolean(),
  multiSeason: z.boolean(),
  seasonPart: z.number().int().nullable(),
  seasonExtra: z.boolean(),
  special: z.boolean(),
  resolution: z.number().int().nullable().describe('480, 576, 720, 1080 or 2160'),
  source: nullableString('cam, telesync, telecine, workprint, dvd, tv, webdl, webrip or bluray'),
  modifier: nullableString('remux, brdisk, rawhd, screener or regional'),
  quality: z.string().describe("Sonarr's and Radarr's quality name, e.g. WEBDL-1080p"),
  revision: z.object({ version: z.number().int(), real: z.number().int(), proper: z.boolean(), repack: z.boolean() }),
  videoCodec: nullableString('h264, h265, av1, vp9, xvid, divx, vc1 or mpeg2'),
  bitDepth: z.number().int().nullable(),
  hdr: z.array(z.string()).describe('HDR10, HDR10+, DV, HLG'),
  audio: z.object({ codec: z.string().nullable(), channels: z.string().nullable(), atmos: z.boolean() }),
  languages: z.array(z.string()),
  multiLanguage: z.boolean(),
  edition: z.string().nullable(),
  editions: z.array(z.string()),
  releaseGroup: z.string().nullable(),
} satisfies Record<keyof ParsedRelease, z.ZodType>);

const validationSchema = z.object({
  verdict: z.enum(['match', 'mismatch', 'uncertain']).describe('whether it really is what was searched for; a mismatch ranks with the releases the profile refuses'),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  scoreAdjustment: z.number().int().describe('added to `score` when ranking'),
  judgedBy: z.string().describe('the model that judged, or `heuristic` when none was configured or it did not answer'),
  judgedAt: z.iso.datetime(),
});

const rankingLineSchema = z.object({ code: z.string(), detail: z.string(), points: z.number().int().optional() });

/**
 * A release as clients see it. Neither the download link nor the magnet link is shown: Jackett
 * and Prowlarr put their API key into download links, and private trackers their passkey into
 * the magnet's announce URLs. `infoHash` identifies the torrent without either.
 */
export const releaseSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  infoHash: z.string().nullable().describe('40 lower-case hex characters, when the indexer gave it'),
  sizeBytes: z.number().int(),
  seeders: z.number().int().nullable(),
  peers: z.number().int().nullable(),
  indexers: z.array(z.string()).describe('names of the indexers that listed it'),
  publishedAt: z.iso.datetime().nullable(),
  quality: z.string(),
  parsed: parsedReleaseSchema,
  score: z.number().int(),
  accepted: z.boolean().describe('whether the quality profile accepts it; accepted releases the oracle did not judge a mismatch rank first'),
  meetsCutoff: z.boolean().describe("at or above the profile's cutoff: good enough, no upgrade sought beyond it"),
  reasons: z.array(rankingLineSchema).describe('what the score is made of'),
  rejections: z.array(rankingLineSchema).describe('why the profile refuses it (empty when accepted)'),
  freeleech: z.boolean(),
  validation: validationSchema.nullable().describe("the oracle's judgement; null until it has judged (it judges the best releases of every search)"),
});
export type ReleaseDto = z.infer<typeof releaseSchema>;

export const releasePageSchema = z.object({
  items: z.array(releaseSchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type ReleasePageDto = z.infer<typeof releasePageSchema>;

export function toReleaseDto(release: ReleaseEntity): ReleaseDto {
  return {
    id: release.id,
    title: release.title,
    infoHash: release.infoHash,
    sizeBytes: release.sizeBytes,
    seeders: release.seeders,
    peers: release.peers,
    indexers: release.indexers,
    publishedAt: release.publishedAt?.toISOString() ?? null,
    quality: release.quality,
    parsed: release.parsed as ReleaseDto['parsed'],
    score: release.score,
    accepted: release.accepted,
    meetsCutoff: release.meetsCutoff,
    reasons: release.reasons,
    rejections: release.rejections,
    freeleech: release.freeleech,
    validation:
      release.verdict === null
        ? null
        : {
            verdict: release.verdict,
            confidence: release.verdictConfidence ?? 0,
            reasons: release.verdictReasons ?? [],
            scoreAdjustment: release.scoreAdjustment,
            judgedBy: release.judgedBy ?? 'unknown',
            judgedAt: (release.judgedAt ?? release.createdAt).toISOString(),
          },
  };
}

/** Opaque to clients: the ranking key of the last release of a page (unknown seeders rank as -1). */
export function encodeReleaseCursor(release: Pick<ReleaseEntity, 'grabbable' | 'rankScore' | 'seeders' | 'id'>): string {
  return Buffer.from(JSON.stringify([release.grabbable, release.rankScore, release.seeders ?? -1, release.id])).toString('base64url');
}

const cursorSchema = z.tuple([z.boolean(), z.int().min(-2_147_483_648).max(2_147_483_647), z.int().min(-1).max(2_147_483_647), z.uuid()]);

export function decodeReleaseCursor(cursor: string): ReleaseCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success) return undefined;
    const [grabbable, rankScore, seeders, id] = parsed.data;
    return { grabbable, rankScore, seeders, id };
  } catch {
    return undefined;
  }
}
