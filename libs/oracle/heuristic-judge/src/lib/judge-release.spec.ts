import { loadReleaseTitleCorpus } from '@sokoul/release-parser';
import { type Judgement, type WantedMedia, JUDGE_CONFIDENCE, judgeRelease } from './judge-release';
import { PLAUSIBLE_SIZES } from './plausible-sizes';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

function film(title: string, year: number | null): WantedMedia {
  return { kind: 'movie', title, year, season: null, episode: null };
}

function series(title: string, season: number | null, episode: number | null, year: number | null = null): WantedMedia {
  return { kind: 'series', title, year, season, episode };
}

const MATRIX = film('The Matrix', 1999);
const DUNE_PART_TWO = film('Dune: Part Two', 2024);
const SEVERANCE_S01E03 = series('Severance', 1, 3, 2022);

function judge(wanted: WantedMedia | null, title: string, sizeBytes = 0): Judgement {
  return judgeRelease(wanted, { title, sizeBytes });
}

function allReasons(judgement: Judgement): string {
  return judgement.reasons.join('\n');
}

describe('judgeRelease', () => {
  describe('the film that was asked for', () => {
    it('matches a name that confirms title, year, quality and a plausible size, but no surer than 0.85', () => {
      const judgement = judge(MATRIX, 'The.Matrix.1999.1080p.BluRay.x264-SPARKS', 8 * GIB);
      expect(judgement).toEqual({
        verdict: 'match',
        confidence: 0.85,
        reasons: [
          'The title agrees with The Matrix.',
          'The year 1999 agrees.',
          'The name gives its quality: Bluray-1080p.',
          'At 8.0 GiB, its size is plausible for a 1080p film.',
        ],
      });
    });

    it('is about 0.8 sure when the indexer gave no size', () => {
      expect(judge(DUNE_PART_TWO, 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX')).toMatchObject({ verdict: 'match', confidence: 0.8 });
    });

    it('is less sure of a name without a year, which cannot tell the film from a remake', () => {
      const judgement = judge(MATRIX, 'The Matrix 1080p BluRay x264', 8 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(judgement.confidence).toBe(0.7);
      expect(allReasons(judgement)).toContain('no year to tell The Matrix (1999) from a remake');
    });

    it('will not call a name that gives nothing but the title a match', () => {
      const judgement = judge(MATRIX, 'The Matrix');
      expect(judgement.verdict).toBe('uncertain');
      expect(judgement.confidence).toBe(JUDGE_CONFIDENCE.onlyTitle);
      expect(judgement.reasons[0]).toBe('Only the title agrees: the name gives too little else to confirm it.');
    });

    it('accepts a year one off, as festival and theatrical years differ', () => {
      const judgement = judge(film('Drive My Car', 2021), 'Drive.My.Car.2022.1080p.BluRay.x264-USURY', 11 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(allReasons(judgement)).toContain('The year 2022 is one off 2021');
    });

    it.each([
      ['with its accent', 'Amélie.2001.1080p.BluRay.x264-GROUP'],
      ['without its accent', 'Amelie.2001.1080p.BluRay.x264-GROUP'],
    ])('matches Amélie (2001) named %s', (_how, title) => {
      expect(judge(film('Amélie', 2001), title, 9 * GIB)).toMatchObject({ verdict: 'match', confidence: 0.85 });
    });

    it('matches a film named in Japanese script', () => {
      expect(judge(film('千と千尋の神隠し', 2001), '千と千尋の神隠し.2001.1080p.BluRay.x264', 9 * GIB).verdict).toBe('match');
    });

    it.each([
      ['first', 'Amelie.AKA.Le.Fabuleux.Destin.d.Amelie.Poulain.2001.1080p.BluRay.x264-GROUP'],
      ['second', 'Le.Fabuleux.Destin.d.Amelie.Poulain.AKA.Amelie.2001.1080p.BluRay.x264-GROUP'],
    ])('finds the film under an alternative title given %s (X AKA Y)', (_where, title) => {
      const judgement = judge(film('Amélie', 2001), title, 9 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(judgement.reasons[0]).toBe('Its alternative title "Amelie" agrees with Amélie.');
    });

    it('still checks the year of a film found under an alternative title', () => {
      const judgement = judge(film('Amélie', 2001), 'Amelie.AKA.Le.Fabuleux.Destin.d.Amelie.Poulain.2005.1080p.BluRay.x264');
      expect(judgement.verdict).toBe('mismatch');
      expect(judgement.reasons[0]).toBe('Wrong year: Amélie is from 2001; this release is from 2005.');
    });
  });

  describe('another film', () => {
    it.each([
      ['a sequel with one more word', MATRIX, 'The.Matrix.Reloaded.2003.1080p.BluRay.x264-GROUP', '"The Matrix Reloaded" is not The Matrix'],
      ['the sequel for the first film', film('Dune', 2021), 'Dune.Part.Two.2024.1080p.WEB-DL.x264-GROUP', '"Dune Part Two" is not Dune'],
      ['Aliens for Alien', film('Alien', 1979), 'Aliens.1986.REMASTERED.1080p.BluRay.x264-AMIABLE', '"Aliens" is not Alien'],
      ['Alien for Aliens', film('Aliens', 1986), 'Alien.1979.Directors.Cut.1080p.BluRay.x264-GROUP', '"Alien" is not Aliens'],
    ])('refuses %s as the wrong title, 0.9 sure', (_case, wanted, title, reason) => {
      const judgement = judge(wanted, title, 9 * GIB);
      expect(judgement.verdict).toBe('mismatch');
      expect(judgement.confidence).toBe(0.9);
      expect(judgement.reasons[0]).toBe(`Wrong title: ${reason}.`);
    });

    it.each([
      ['the 1984 film for the 2021 remake', film('Dune', 2021), 'Dune.1984.1080p.BluRay.x264-GROUP', 'Dune is from 2021; this release is from 1984'],
      ['the 2021 remake for the 1984 film', film('Dune', 1984), 'Dune.2021.2160p.HMAX.WEB-DL.DDP5.1.Atmos.HDR.HEVC-GROUP', 'Dune is from 1984; this release is from 2021'],
    ])('tells a remake from the original by the year: %s, 0.85 sure', (_case, wanted, title, reason) => {
      const judgement = judge(wanted, title, 12 * GIB);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: 0.85 });
      expect(judgement.reasons[0]).toBe(`Wrong year: ${reason}.`);
    });

    it('refuses an episode when a film was asked for', () => {
      const judgement = judge(film('Severance', 2022), 'Severance.S01E03.1080p.ATVP.WEB-DL.DDP5.1.H.264-NTb', 2 * GIB);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: 0.9 });
      expect(judgement.reasons[0]).toBe('Wrong kind: this is S01E03, not a film.');
    });

    // A limit, not a wish: without TMDB's alternative titles, a translated title shares nothing with the asked one.
    it('refuses a film named only by its original title, knowing no other', () => {
      const judgement = judge(film('Amélie', 2001), 'Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264', 9 * GIB);
      expect(judgement.verdict).toBe('mismatch');
      expect(judgement.reasons[0]).toBe('Wrong title: "Le Fabuleux Destin d Amelie Poulain" is not Amélie.');
    });
  });

  describe('episodes', () => {
    it('matches the asked episode', () => {
      expect(judge(SEVERANCE_S01E03, 'Severance.S01E03.1080p.ATVP.WEB-DL.DDP5.1.H.264-NTb', 2.5 * GIB)).toEqual({
        verdict: 'match',
        confidence: 0.85,
        reasons: [
          'The title agrees with Severance.',
          'It is S01E03.',
          'The name gives its quality: WEBDL-1080p.',
          'At 2.5 GiB, its size is plausible for a 1080p episode.',
        ],
      });
    });

    it('matches a season pack holding the episode, its size judged for a whole season', () => {
      const judgement = judge(SEVERANCE_S01E03, 'Severance.S01.1080p.ATVP.WEB-DL.DDP5.1.H.264-NTb', 25 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(judgement.reasons).toContain('It is the whole of season 1, which holds S01E03.');
      expect(judgement.reasons).toContain('At 25 GiB, its size is plausible for a 1080p season pack.');
    });

    it('matches a two-episode release holding the episode', () => {
      const judgement = judge(SEVERANCE_S01E03, 'Severance.S01E03E04.1080p.WEB.h264-GROUP', 4 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(judgement.reasons).toContain('It is S01E03-E04, which holds S01E03.');
      expect(judgement.reasons).toContain('At 4.0 GiB, its size is plausible for a 1080p run of 2 episodes.');
    });

    it('matches one episode of an asked season, saying it is not all of it', () => {
      const judgement = judge(series('Severance', 1, null), 'Severance.S01E03.1080p.WEB.h264-GROUP', 2 * GIB);
      expect(judgement.verdict).toBe('match');
      expect(judgement.reasons).toContain('It is S01E03: part of season 1, not all of it.');
    });

    it('keeps a series whose name carries its year apart from the year check (Shōgun 2024)', () => {
      expect(judge(series('Shōgun', 1, 1, 2024), 'Shogun.2024.S01E01.1080p.WEB.h264-GROUP', 3 * GIB).verdict).toBe('match');
    });

    it.each([
      ['the next episode', 'Severance.S01E04.1080p.WEB.h264-GROUP', 'Wrong episode: Asked for S01E03; this release is S01E04.'],
      ['the same episode of another season', 'Severance.S02E03.1080p.WEB.h264-GROUP', 'Wrong season: Asked for S01E03; this release is season 2.'],
      ['the season extras', 'Severance.S01.EXTRAS.1080p.WEB.h264-GROUP', "Wrong episode: Asked for S01E03; this release holds the season's extras."],
    ])('refuses %s, 0.9 sure', (_case, title, reason) => {
      const judgement = judge(SEVERANCE_S01E03, title, 2 * GIB);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: 0.9 });
      expect(judgement.reasons[0]).toBe(reason);
    });

    it('refuses a season\'s extras when the season itself was asked for', () => {
      const judgement = judge(series('Severance', 1, null), 'Severance.S01.EXTRAS.1080p.WEB.h264-GROUP', 2 * GIB);
      expect(judgement.verdict).toBe('mismatch');
      expect(judgement.reasons[0]).toBe("Wrong episode: Asked for season 1; this release holds the season's extras.");
    });

    it('is uncertain of an anime episode numbered absolutely, which it cannot place in a season', () => {
      const judgement = judge(series('One Piece', 21, 1071, 1999), '[SubsPlease] One Piece - 1071 (1080p) [ABCD1234].mkv', 1.4 * GIB);
      expect(judgement).toMatchObject({ verdict: 'uncertain', confidence: JUDGE_CONFIDENCE.numberingUnverifiable });
      expect(judgement.reasons[0]).toBe(
        "It is numbered by absolute number (1071); whether that is S21E1071 cannot be told without the series' episode list.",
      );
    });

    it('is uncertain of a daily show named by air date', () => {
      const judgement = judge(series('The Daily Show', 29, 40), 'The.Daily.Show.2024.03.12.1080p.WEB.h264-EDITH', 1 * GIB);
      expect(judgement.verdict).toBe('uncertain');
      expect(judgement.reasons[0]).toContain('by air date (2024-03-12)');
    });

    it('is uncertain of a series release that names no season, which may be the complete series', () => {
      const judgement = judge(SEVERANCE_S01E03, 'Severance.2022.1080p.WEB-DL.DDP5.1.H.264-GROUP', 30 * GIB);
      expect(judgement).toMatchObject({ verdict: 'uncertain', confidence: 0.5 });
      expect(judgement.reasons[0]).toBe('Asked for S01E03; this release names no season: it may be a complete-series pack, or something else.');
    });
  });

  describe('pre-release copies: perhaps the film, never a copy to keep', () => {
    it.each([
      ['Dune.Part.Two.2024.HDCAM.x264-NOGRP', 'CAM', 'a cam recording, filmed in a cinema'],
      ['Dune.Part.Two.2024.720p.CAM.x264', 'CAM', 'a cam recording'],
      ['Dune.Part.Two.2024.TS.XviD-GROUP', 'TELESYNC', 'a telesync'],
      ['Dune.Part.Two.2024.HDTS.x264-GROUP', 'TELESYNC', 'a telesync'],
      ['Dune.Part.Two.2024.HD-TS.x264-GROUP', 'TELESYNC', 'a telesync'],
      ['Dune.Part.Two.2024.HDTC.x264-GROUP', 'TELECINE', 'a telecine, scanned from a cinema print'],
      ['Dune.Part.Two.2024.WORKPRINT.x264-GROUP', 'WORKPRINT', 'a workprint'],
      ['Dune.Part.Two.2024.DVDSCR.x264-GROUP', 'DVDSCR', 'a screener'],
    ])('refuses %s as %s, 0.8 sure, saying it is the film all the same', (title, quality, what) => {
      const judgement = judge(DUNE_PART_TWO, title, 1.4 * GIB);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.preRelease });
      expect(judgement.reasons[0]).toMatch(new RegExp(`^The name says ${quality}: ${what}.*; it may well be the film, but not a copy anyone wants to keep\\.$`));
      expect(judgement.reasons).toContain('The title agrees with Dune: Part Two.');
    });

    it('does not take a film called Cam for a cam recording', () => {
      expect(judge(film('Cam', 2018), 'Cam.2018.1080p.NF.WEB-DL.DDP5.1.x264-NTG', 3 * GIB).verdict).toBe('match');
    });
  });

  describe('fakes', () => {
    it.each([
      ['an .exe', 'Dune.Part.Two.2024.1080p.WEBRip.x264.exe', '".exe"'],
      ['a video extension then .exe', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.exe', '".exe"'],
      ['.exe inside the name', 'Dune.Part.Two.2024.1080p.exe.WEB-DL', '".exe"'],
      ['a shortcut', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.lnk', '".lnk"'],
      ['a screensaver', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.scr', '".scr"'],
      ['a screensaver after a video extension', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.MKV.SCR', '".scr"'],
      ['a zip archive', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.zip', '".zip"'],
      ['a rar archive', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.rar', '".rar"'],
      ['a password', 'Dune Part Two 2024 1080p WEB-DL (password in comments)', 'password'],
      ['a codec pack', 'Dune Part Two 2024 1080p WEBRip x264 [codec pack required]', 'codec'],
      ['a right-to-left override', 'Dune.Part.Two.2024.1080p.\u202Eexe.mkv', 'bidirectional'],
    ])('refuses a name with %s, 0.95 sure', (_case, title, marker) => {
      const judgement = judge(DUNE_PART_TWO, title, 1.4 * GIB);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.fake });
      expect(judgement.reasons[0]).toContain(marker);
    });

    it('says nothing of a fake\'s claimed quality: the parser reads a trailing .scr as a screener', () => {
      const judgement = judge(DUNE_PART_TWO, 'Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.scr', 1.4 * GIB);
      expect(allReasons(judgement)).not.toMatch(/screener|quality|size/i);
    });

    it.each([
      ['a RARBG release', 'Dune.Part.Two.2024.1080p.WEB-DL.DDP5.1.H.264-RARBG'],
      ['a release from YTS.MX', 'Dune.Part.Two.2024.1080p.WEBRip.x265.10bit.AAC5.1-[YTS.MX]'],
    ])('does not take %s for an archive', (_case, title) => {
      expect(judge(DUNE_PART_TWO, title, 2 * GIB).verdict).toBe('match');
    });

    it('leaves an upper-case .SCR to the parser, as the scene tag for a screener', () => {
      const judgement = judge(DUNE_PART_TWO, 'Dune.Part.Two.2024.SCR.XviD-GROUP', 700 * MIB);
      expect(judgement.reasons[0]).toMatch(/^The name says DVDSCR: a screener/);
    });
  });

  describe('sizes', () => {
    it.each([
      ['a 2160p film of 400 MiB', DUNE_PART_TWO, 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX', 400 * MIB,
        'At 400 MiB, a 2160p film is implausibly small (at least 1.5 GiB expected): likely a fake or a mislabelled quality.'],
      ['a 1080p film of 200 MiB', MATRIX, 'The.Matrix.1999.1080p.BluRay.x264-GROUP', 200 * MIB,
        'At 200 MiB, a 1080p film is implausibly small (at least 500 MiB expected): likely a fake or a mislabelled quality.'],
      ['a 1080p episode of 20 MiB', SEVERANCE_S01E03, 'Severance.S01E03.1080p.WEB.h264-GROUP', 20 * MIB,
        'At 20 MiB, a 1080p episode is implausibly small (at least 80 MiB expected): likely a fake or a mislabelled quality.'],
      ['a 1080p season pack of 200 MiB', SEVERANCE_S01E03, 'Severance.S01.1080p.WEB.h264-GROUP', 200 * MIB,
        'At 200 MiB, a 1080p season pack is implausibly small (at least 240 MiB expected): likely a fake or a mislabelled quality.'],
    ])('refuses %s as a likely fake, 0.7 sure', (_case, wanted, title, size, reason) => {
      const judgement = judge(wanted, title, size);
      expect(judgement).toMatchObject({ verdict: 'mismatch', confidence: JUDGE_CONFIDENCE.tooSmall });
      expect(judgement.reasons[0]).toBe(reason);
    });

    it.each([
      ['a 480p film of 60 GiB', film('Some Like It Hot', 1959), 'Some.Like.It.Hot.1959.480p.DVDRip.x264-GROUP', 60 * GIB,
        'At 60 GiB, a 480p film is implausibly large (at most 12 GiB expected): the quality may be mislabelled, or it holds more than it says.'],
      ['a 720p episode of 30 GiB', SEVERANCE_S01E03, 'Severance.S01E03.720p.WEB.h264-GROUP', 30 * GIB,
        'At 30 GiB, a 720p episode is implausibly large (at most 8.0 GiB expected): the quality may be mislabelled, or it holds more than it says.'],
    ])('is uncertain of %s', (_case, wanted, title, size, reason) => {
      const judgement = judge(wanted, title, size);
      expect(judgement).toMatchObject({ verdict: 'uncertain', confidence: JUDGE_CONFIDENCE.tooLarge });
      expect(judgement.reasons[0]).toBe(reason);
    });

    it.each([
      ['a small x265 encode of a 1080p film', MATRIX, 'The.Matrix.1999.1080p.BluRay.x265-GROUP', 900 * MIB],
      ['a 2160p remux of 80 GiB', film('Oppenheimer', 2023), 'Oppenheimer.2023.iMAX.2160p.UHD.BluRay.REMUX.HDR.HEVC.TrueHD.7.1.Atmos-FGT', 80 * GIB],
      ['a 22-minute anime episode in HEVC', series('Frieren', 1, 5), '[Judas] Frieren - S01E05 (1080p) [HEVC x265 10bit]', 180 * MIB],
      ['a multi-season pack of 2 TiB, whose length is unknown', series('Severance', 1, 3), 'Severance.S01-S02.2160p.WEB-DL.DV.HDR.H.265-GROUP', 2048 * GIB],
    ])('lets %s through', (_case, wanted, title, size) => {
      const judgement = judge(wanted, title, size);
      expect(allReasons(judgement)).not.toMatch(/implausibly/);
    });

    it('does not judge a size the indexer did not give, and is a little less sure for it', () => {
      const known = judge(MATRIX, 'The.Matrix.1999.1080p.BluRay.x264-GROUP', 8 * GIB);
      const unknown = judge(MATRIX, 'The.Matrix.1999.1080p.BluRay.x264-GROUP', 0);
      expect(unknown.confidence).toBeCloseTo(known.confidence - 0.05);
      expect(allReasons(unknown)).not.toMatch(/size|GiB|MiB/);
    });

    it('holds a name without a resolution to the widest bounds', () => {
      expect(judge(MATRIX, 'The.Matrix.1999.DVDRip.XviD-GROUP', 700 * MIB).reasons).toContain(
        'At 700 MiB, its size is plausible for a 480p film.',
      );
      expect(judge(MATRIX, 'The Matrix 1999', 100 * MIB).reasons[0]).toBe(
        `At 100 MiB, a film of unnamed resolution is implausibly small (at least ${PLAUSIBLE_SIZES.movie[480].minMiB} MiB expected): likely a fake or a mislabelled quality.`,
      );
    });
  });

  describe('with nothing asked for (a free-text search, or no metadata)', () => {
    it('is uncertain and barely sure when nothing is wrong', () => {
      const judgement = judge(null, 'The.Matrix.1999.1080p.BluRay.x264-SPARKS', 8 * GIB);
      expect(judgement).toEqual({
        verdict: 'uncertain',
        confidence: JUDGE_CONFIDENCE.nothingToCompare,
        reasons: [
          'There is nothing to compare against: no film or episode was given, so only the quality was checked.',
          'The name gives its quality: Bluray-1080p.',
          'At 8.0 GiB, its size is plausible for a 1080p film.',
        ],
      });
    });

    it.each([
      ['a cam', 'Dune.Part.Two.2024.HDCAM.x264-NOGRP', 2 * GIB],
      ['a fake', 'Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.exe', 2 * GIB],
      ['a 2160p film of 400 MiB', 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX', 400 * MIB],
    ])('still refuses %s', (_case, title, size) => {
      expect(judge(null, title, size).verdict).toBe('mismatch');
    });

    it('judges episode sizes by the name when no series was given', () => {
      expect(judge(null, 'Severance.S01E03.1080p.WEB.h264-GROUP', 20 * MIB).verdict).toBe('mismatch');
      expect(judge(null, 'Severance.S01E03.1080p.WEB.h264-GROUP', 2 * GIB).verdict).toBe('uncertain');
    });
  });

  describe('several findings', () => {
    it('puts the strongest first and grows a little surer with each, never past 0.95', () => {
      const judgement = judge(film('Dune', 2021), 'Dune.1984.HDCAM.x264.mkv.exe.rar', 2 * GIB);
      expect(judgement.verdict).toBe('mismatch');
      expect(judgement.confidence).toBe(JUDGE_CONFIDENCE.maxMismatch);
      expect(judgement.reasons[0]).toContain('".exe"');
      expect(judgement.reasons).toContain('Wrong year: Dune is from 2021; this release is from 1984.');
    });

    it('adds 0.02 for a second finding', () => {
      // A cam of the wrong year: 0.85 for the year, 0.02 for the cam.
      expect(judge(film('Dune', 2021), 'Dune.1984.HDCAM.x264-GROUP').confidence).toBe(0.87);
    });
  });

  describe('its judgements', () => {
    const hostile = [
      `The.Matrix.1999.1080p.BluRay.x264-${'A'.repeat(5000)}`,
      `${'The Matrix '.repeat(300)}1999 1080p`,
      'The.Matrix.1999.\u0000\u001b[2J\u0085.1080p.BluRay',
      '\u202E\u2066.exe',
      `${'🎬'.repeat(600)}.2160p`,
      '',
      '   ',
    ];

    it.each(hostile.map((title) => [title.slice(0, 40), title]))('stay well-formed for a hostile name (%j)', (_shown, title) => {
      for (const wanted of [MATRIX, SEVERANCE_S01E03, null]) expectWellFormed(judge(wanted, title, 8 * GIB));
    });

    it('stay well-formed, and the same twice, for every title of the parser corpus', async () => {
      const titles = await loadReleaseTitleCorpus();
      expect(titles.length).toBeGreaterThan(1000);
      for (const title of titles) {
        for (const wanted of [MATRIX, SEVERANCE_S01E03, null]) {
          const judgement = judge(wanted, title, 1.5 * GIB);
          expectWellFormed(judgement);
          expect(judge(wanted, title, 1.5 * GIB)).toEqual(judgement);
        }
      }
    });

    it('do not read sizes that are not sizes', () => {
      for (const size of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
        expect(allReasons(judge(MATRIX, 'The.Matrix.1999.1080p.BluRay.x264-GROUP', size))).not.toMatch(/MiB|GiB/);
      }
    });
  });
});

function expectWellFormed(judgement: Judgement): void {
  expect(['match', 'mismatch', 'uncertain']).toContain(judgement.verdict);
  expect(judgement.confidence).toBeGreaterThanOrEqual(0);
  expect(judgement.confidence).toBeLessThanOrEqual(1);
  expect(judgement.reasons.length).toBeGreaterThanOrEqual(1);
  expect(judgement.reasons.length).toBeLessThanOrEqual(8);
  for (const reason of judgement.reasons) {
    expect(reason.length).toBeGreaterThan(0);
    expect(reason.length).toBeLessThanOrEqual(500);
    expect(reason).not.toMatch(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u);
    expect(reason).toMatch(/[.!?…]$/u);
  }
}
