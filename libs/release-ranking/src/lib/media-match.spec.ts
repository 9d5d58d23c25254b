import { type MediaToMatch, matchReleaseToMedia } from './media-match';

function movie(title: string, year: number | null): MediaToMatch {
  return { kind: 'movie', title, year, season: null, episode: null };
}

function series(title: string, season: number | null, episode: number | null, year: number | null = null): MediaToMatch {
  return { kind: 'series', title, year, season, episode };
}

describe('matchReleaseToMedia', () => {
  describe('titles', () => {
    it.each([
      { release: 'The.Matrix.1999.1080p.BluRay.x264-GROUP', media: movie('The Matrix', 1999) },
      { release: 'Spider-Man.No.Way.Home.2021.1080p.WEBRip.x264-RARBG', media: movie('Spider-Man: No Way Home', 2021) },
      { release: 'Spiderman.No.Way.Home.2021.720p.HDCAM-GROUP', media: movie('Spider-Man: No Way Home', 2021) },
      { release: 'Les.Miserables.2012.1080p.BluRay.x264-SPARKS', media: movie('Les Misérables', 2012) },
      { release: 'Amelie.2001.FRENCH.1080p.BluRay.x264-GROUP', media: movie('Amélie', 2001) },
      { release: 'Fast.and.Furious.2009.1080p.BluRay.x264-GROUP', media: movie('Fast & Furious', 2009) },
      { release: 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX', media: movie('Dune: Part Two', 2024) },
      { release: 'Dune.Part.2.2024.1080p.WEB-DL-GROUP', media: movie('Dune: Part Two', 2024) },
      { release: 'Rocky.II.1979.1080p.BluRay.x264-GROUP', media: movie('Rocky 2', 1979) },
      { release: 'Mission.Impossible.Dead.Reckoning.Part.One.2023.1080p.WEB-DL-GROUP', media: movie('Mission: Impossible - Dead Reckoning Part One', 2023) },
      { release: 'The.Lord.of.the.Rings.The.Fellowship.of.the.Ring.2001.EXTENDED.1080p.BluRay.x264-GROUP', media: movie('The Lord of the Rings: The Fellowship of the Ring', 2001) },
      { release: 'Harry.Potter.and.the.Sorcerers.Stone.2001.1080p.BluRay.x264-GROUP', media: movie("Harry Potter and the Philosopher's Stone", 2001) },
      { release: 'Marvels.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.x264-KILLERS', media: series("Marvel's Agents of S.H.I.E.L.D.", 1, 1) },
      { release: 'Its.Always.Sunny.in.Philadelphia.S15E01.1080p.WEB.H264-GROUP', media: series("It's Always Sunny in Philadelphia", 15, 1) },
      { release: 'The.Office.US.S02E01.720p.WEB-DL-GROUP', media: series('The Office', 2, 1) },
      { release: 'Doctor.Who.2005.S01E01.720p.BluRay.x264-GROUP', media: series('Doctor Who', 1, 1, 2005) },
    ])('accepts $release for $media.title', ({ release, media }) => {
      expect(matchReleaseToMedia(release, media)).toEqual({ ok: true });
    });

    it.each([
      { release: 'The.Matrix.Reloaded.2003.1080p.BluRay.x264-GROUP', media: movie('The Matrix', 1999) },
      { release: 'The.Matrix.1999.1080p.BluRay.x264-GROUP', media: movie('The Matrix Reloaded', 2003) },
      { release: 'Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX', media: movie('Dune', 2021) },
      { release: 'Toy.Story.2.1999.1080p.BluRay.x264-GROUP', media: movie('Toy Story', 1995) },
      { release: 'Toy.Story.1995.1080p.BluRay.x264-GROUP', media: movie('Toy Story 2', 1999) },
      { release: 'Harry.Potter.and.the.Deathly.Hallows.Part.2.2011.1080p.BluRay-GROUP', media: movie('Harry Potter and the Deathly Hallows: Part 1', 2010) },
      { release: 'Harry.Potter.and.the.Chamber.of.Secrets.2002.1080p.BluRay-GROUP', media: movie('Harry Potter and the Prisoner of Azkaban', 2004) },
      { release: 'Oceans.Twelve.2004.1080p.BluRay-GROUP', media: movie("Ocean's Eleven", 2001) },
      { release: 'Fast.Five.2011.1080p.BluRay-GROUP', media: movie('Fast & Furious', 2009) },
      { release: 'The.Lord.of.the.Rings.The.Two.Towers.2002.1080p.BluRay-GROUP', media: movie('The Lord of the Rings: The Fellowship of the Ring', 2001) },
      { release: 'Better.Call.Saul.S02E05.720p.HDTV.x264-GROUP', media: series('Breaking Bad', 2, 5) },
    ])('refuses $release for $media.title', ({ release, media }) => {
      expect(matchReleaseToMedia(release, media)).toMatchObject({ ok: false, code: 'wrong-title' });
    });

    it('names both titles in the reason', () => {
      const match = matchReleaseToMedia('The.Matrix.Reloaded.2003.1080p.BluRay.x264-GROUP', movie('The Matrix', 1999));
      expect(match).toEqual({ ok: false, code: 'wrong-title', reason: '"The Matrix Reloaded" is not The Matrix' });
    });

    it('refuses a release that names no title', () => {
      expect(matchReleaseToMedia('S02E05.720p.HDTV.x264-GROUP', series('Breaking Bad', 2, 5))).toMatchObject({ ok: false, code: 'wrong-title' });
    });
  });

  describe('years', () => {
    it('refuses a film of the same title from another year', () => {
      expect(matchReleaseToMedia('Dune.1984.1080p.BluRay.x264-GROUP', movie('Dune', 2021))).toEqual({
        ok: false,
        code: 'wrong-year',
        reason: 'Dune is from 2021; this release is from 1984',
      });
    });

    it('accepts a year off by one (festival and theatrical years differ)', () => {
      expect(matchReleaseToMedia('Parasite.2020.1080p.BluRay.x264-GROUP', movie('Parasite', 2019))).toEqual({ ok: true });
    });

    it('accepts a release that names no year, and a media whose year is unknown', () => {
      expect(matchReleaseToMedia('The.Matrix.1080p.BluRay.x264-GROUP', movie('The Matrix', 1999))).toEqual({ ok: true });
      expect(matchReleaseToMedia('The.Matrix.1999.1080p.BluRay.x264-GROUP', movie('The Matrix', null))).toEqual({ ok: true });
    });

    it('tells a series from its remake by the year in the release title', () => {
      expect(matchReleaseToMedia('Doctor.Who.2005.S01E01.720p.BluRay.x264-GROUP', series('Doctor Who', 1, 1, 1963))).toMatchObject({
        ok: false,
        code: 'wrong-year',
      });
    });
  });

  describe('seasons and episodes', () => {
    const asked = series('Breaking Bad', 2, 5);

    it('accepts the asked episode', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S02E05.720p.HDTV.x264-CTU', asked)).toEqual({ ok: true });
    });

    it('refuses another episode of the asked season', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S02E06.720p.HDTV.x264-CTU', asked)).toEqual({
        ok: false,
        code: 'wrong-episode',
        reason: 'Asked for S02E05; this release is S02E06',
      });
    });

    it('accepts a multi-episode release holding the asked episode', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S02E04E05.720p.HDTV.x264-CTU', asked)).toEqual({ ok: true });
    });

    it('accepts the season pack for one of its episodes, and for the season', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S02.1080p.BluRay.x264-ROVERS', asked)).toEqual({ ok: true });
      expect(matchReleaseToMedia('Breaking.Bad.S02.1080p.BluRay.x264-ROVERS', series('Breaking Bad', 2, null))).toEqual({ ok: true });
    });

    it("refuses a season's extras for one of its episodes (the parser also calls them a full season)", () => {
      expect(matchReleaseToMedia('Breaking.Bad.S02.EXTRAS.1080p.BluRay.x264-ROVERS', asked)).toMatchObject({ ok: false, code: 'wrong-episode' });
    });

    it('refuses another season, pack or episode', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S03.1080p.BluRay.x264-ROVERS', asked)).toMatchObject({ ok: false, code: 'wrong-season' });
      expect(matchReleaseToMedia('Breaking.Bad.S03E05.720p.HDTV.x264-CTU', asked)).toEqual({
        ok: false,
        code: 'wrong-season',
        reason: 'Asked for S02E05; this release is season 3',
      });
    });

    it('refuses a release that names no season when one is asked', () => {
      expect(matchReleaseToMedia('Breaking.Bad.1080p.BluRay.x264-GROUP', asked)).toMatchObject({ ok: false, code: 'wrong-season' });
    });

    it('accepts any season when the media asks for none', () => {
      expect(matchReleaseToMedia('Breaking.Bad.S03E05.720p.HDTV.x264-CTU', series('Breaking Bad', null, null))).toEqual({ ok: true });
    });

    it('lets daily episodes through: only the episode list could map an air date', () => {
      expect(matchReleaseToMedia('The.Daily.Show.2024.03.05.1080p.WEB.h264-GROUP', series('The Daily Show', 29, 40))).toEqual({ ok: true });
    });
  });
});
