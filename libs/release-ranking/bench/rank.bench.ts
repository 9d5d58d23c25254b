/**
 * Ranks 10,000 parsed candidates against a profile with a dozen terms and prints the time.
 * Run: npx tsx --tsconfig tsconfig.base.json libs/release-ranking/bench/rank.bench.ts
 */
import { parseReleaseTitle } from '@sokoul/release-parser';
import { type ReleaseCandidate, qualityProfileSchema, rankReleases, tokenizeTitle } from '../src/index';

const COUNT = 10_000;
const RUNS = 25;

const qualities = ['2160p.UHD.BluRay.REMUX', '2160p.WEB-DL', '1080p.BluRay', '1080p.WEB-DL', '1080p.WEBRip', '720p.HDTV', 'HDCAM', 'DVDRip'];
const codecs = ['x264', 'x265', 'H.264', 'H.265', 'HEVC'];
const extras = ['', 'DV.HDR10', 'HDR10+', 'DDP5.1.Atmos', 'DTS-HD.MA.7.1', 'PROPER', 'REPACK', 'MULTi', 'FRENCH', '3D.Half-SBS'];
const groups = ['FLUX', 'NTb', 'SPARKS', 'YTS', 'FGT', 'EVO', 'RARBG'];

let seed = 7;
function next(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];

const profile = qualityProfileSchema.parse({
  name: 'Bench',
  qualities: ['Remux-2160p', 'Bluray-2160p', 'WEBDL-2160p', 'Bluray-1080p', 'WEBDL-1080p', 'WEBRip-1080p', 'HDTV-720p'],
  cutoff: 'WEBDL-2160p',
  sizeLimits: { 'Bluray-1080p': { minMiB: 2000, maxMiB: 30000 } },
  terms: [
    { term: 'x265', kind: 'preferred', score: 50 },
    { term: 'hevc', kind: 'preferred', score: 50 },
    { term: 'dv', kind: 'preferred', score: 100 },
    { term: 'hdr10+', kind: 'preferred', score: 80 },
    { term: 'atmos', kind: 'preferred', score: 20 },
    { term: 'dts-hd ma', kind: 'preferred', score: 20 },
    { term: 'yts', kind: 'preferred', score: -1000 },
    { term: 'flux', kind: 'preferred', score: 30 },
    { term: '3d', kind: 'ignored' },
    { term: 'half-sbs', kind: 'ignored' },
    { term: 'rarbg', kind: 'ignored' },
  ],
});

const started = process.hrtime.bigint();
const candidates: ReleaseCandidate[] = Array.from({ length: COUNT }, (_, i) => {
  const title = `Some.Movie.Title.${2000 + (i % 25)}.${pick(qualities)}.${pick(extras)}.${pick(codecs)}-${pick(groups)}`.replace('..', '.');
  return {
    title,
    parsed: parseReleaseTitle(title),
    tokens: tokenizeTitle(title),
    sizeBytes: Math.floor(next() * 40 * 1024 ** 3),
    seeders: Math.floor(next() * 5000),
    indexerPriority: 1 + Math.floor(next() * 50),
    freeleech: next() < 0.1,
  };
});
const prepared = Number(process.hrtime.bigint() - started) / 1e6;

const times: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  rankReleases(candidates, profile, { kind: 'movie', year: 2012 });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
process.stdout.write(
  `parse + tokenise ${COUNT} titles: ${prepared.toFixed(0)} ms\n` +
    `rankReleases(${COUNT}) over ${RUNS} runs: median ${times[RUNS >> 1].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[RUNS - 1].toFixed(1)} ms\n` +
    `node ${process.version}, ${process.arch}\n`,
);
