import { parseReleaseTitle } from '../index';

describe('title and year', () => {
  describe('of a movie, as Radarr gives them', () => {
    it.each([
      ['The.Matrix.1999.1080p.BluRay.x264-GROUP', 'The Matrix', 1999],
      ['Movie.Title.Imax.2018.1080p.AMZN.WEB-DL.DD5.1.H.264-NTG', 'Movie Title', 2018],
      ['MY MOVIE (2016) [R][Action, Horror][720p.WEB-DL.AVC.8Bit.6ch.AC3].mkv', 'MY MOVIE', 2016],
      ['Leaving Movie by Movie (1897) [DVD].mp4', 'Leaving Movie by Movie', 1897],
      ['World Movie Z Movie [2023]', 'World Movie Z Movie', 2023],
    ])('turns separators into spaces and stops at the year: %s', (name, title, year) => {
      expect(parseReleaseTitle(name)).toMatchObject({ kind: 'movie', title, year });
    });

    it('keeps the dots of acronyms', () => {
      expect(parseReleaseTitle('R.I.P.D.2013.720p.BluRay.x264-SPARKS').title).toBe('R.I.P.D.');
      expect(parseReleaseTitle('V.H.S.2.2013.LIMITED.720p.BluRay.x264-GECKOS').title).toBe('V.H.S. 2');
      expect(parseReleaseTitle('The.Movie.from.U.N.C.L.E.2015.1080p.BluRay.x264-SPARKS').title).toBe('The Movie from U.N.C.L.E.');
      expect(parseReleaseTitle('Die.fantastische.Reise.des.Dr.Dolittle.2020.German.DL.LD.1080p.WEBRip.x264-PRD').title).toBe(
        'Die fantastische Reise des Dr. Dolittle',
      );
    });

    it('takes the last of consecutive years as the year, the others as part of the title', () => {
      expect(parseReleaseTitle('Movie.Klasse.von.1999.1990.German.720p.HDTV.x264-NORETAiL')).toMatchObject({ title: 'Movie Klasse von 1999', year: 1990 });
      expect(parseReleaseTitle('2001 A Space Odyssey 1968 1080p BluRay')).toMatchObject({ title: '2001 A Space Odyssey', year: 1968 });
    });

    it('ends the title at an edition or a language that comes before the year', () => {
      expect(parseReleaseTitle('World.Movie.Z.EXTENDED.2013.German.DL.1080p.BluRay.AVC-XANOR')).toMatchObject({ title: 'World Movie Z', year: 2013 });
      expect(parseReleaseTitle('Der.Film.deines.Lebens.German.2011.PAL.DVDR-ETM')).toMatchObject({ title: 'Der Film deines Lebens', year: 2011 });
    });

    it('keeps a language word that belongs to the title', () => {
      expect(parseReleaseTitle('The.French.Movie.2013.720p.BluRay.x264 - ROUGH[PublicHD]')).toMatchObject({ title: 'The French Movie', languages: [] });
      expect(parseReleaseTitle('The.German.Doctor.2013.LIMITED.DVDRip.x264-RedBlade').title).toBe('The German Doctor');
    });

    it('finds the year after the tags when the title has none before them', () => {
      expect(parseReleaseTitle('Der.Movie.James.German.Bluray.FuckYou.Pso.Why.cant.you.follow.scene.rules.1998')).toMatchObject({
        title: 'Der Movie James',
        year: 1998,
      });
    });

    it('reports no year when there is none', () => {
      expect(parseReleaseTitle('Cars.2.German.DL.720p.BluRay.x264-EmpireHD')).toMatchObject({ title: 'Cars 2', year: null });
    });

    it('drops a website prefix', () => {
      expect(parseReleaseTitle('www.Torrenting.com - Movie.2008.720p.X264-DIMENSION').title).toBe('Movie');
    });

    it('splits alternative titles', () => {
      expect(parseReleaseTitle('Mon cousin a.k.a. My Cousin 2020 1080p Blu-ray DD 5.1 x264.mkv')).toMatchObject({
        title: 'Mon cousin AKA My Cousin',
        alternativeTitles: ['Mon cousin', 'My Cousin'],
      });
      expect(parseReleaseTitle('Енола Голмс / Enola Holmes (2020) UHD WEB-DL 2160p 4K HDR H.265').alternativeTitles).toEqual(['Енола Голмс', 'Enola Holmes']);
    });

    it('reads an anime movie behind its group', () => {
      expect(parseReleaseTitle('[sam] Toward the Terra (1980) [BD 1080p TrueHD].mkv')).toMatchObject({ kind: 'movie', title: 'Toward the Terra', year: 1980 });
    });
  });

  describe('of a series, as Sonarr gives them', () => {
    it.each([
      ['Series.Title.2010.S02E14.HDTV.XviD-LOL', 'Series Title 2010', 2010],
      ['Series Title-0 (2010) - 1x05 - Title', 'Series Title-0 (2010)', 2010],
      ['The_Big_Series_Title_-_6x12_-_The_Code_Review_Equivalency_[HDTV-720p]', 'The Big Series Title', null],
      ['[RlsGrp] Series Title - S01E27 - 24-Hour', 'Series Title', null],
    ])('keeps the title up to the episode, with its year: %s', (name, title, year) => {
      expect(parseReleaseTitle(name)).toMatchObject({ title, year });
    });

    it('is empty when the name starts with the episode', () => {
      expect(parseReleaseTitle('S03E09 WS PDTV XviD FUtV').title).toBe('');
    });
  });
});
