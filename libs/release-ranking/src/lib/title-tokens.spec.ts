import { compileTerm, matchesTerm, tokenizeTitle } from './title-tokens';

describe('matchesTerm', () => {
  describe('never matches part of a word', () => {
    it.each([
      ['cam', 'Cameron.2024.1080p.WEB-DL'],
      ['cam', 'American.Fiction.2023.1080p.WEB-DL'],
      ['cam', 'The.Cameraman.1928.1080p.BluRay'],
      ['dv', 'Movie.2003.DVDRip.XviD'],
      ['dv', 'Movie.2003.DVD9'],
      ['ts', 'Shorts.2009.1080p.WEB-DL'],
      ['ts', 'Movie.2020.1080p.WEBRip.DTS-HD'],
      ['hdr', 'Movie.2024.2160p.WEB-DL.DV.HDR10.H.265'],
      ['hdr10', 'Movie.2024.2160p.WEB-DL.HDR10+.H.265'],
      ['web', 'Movie.2024.1080p.WEBRip.x264'],
      ['rip', 'R.I.P.D.2013.1080p.BluRay'],
      ['dv', 'D.V.D.Movie.2001'],
      ['h265', 'Movie.2024.1080p.x265'],
      ['x265', 'Movie.2024.1080p.H.265'],
      ['5.1', 'Movie.2024.1080p.DDP51'],
      ['1080', 'Movie.2024.1080p.BluRay'],
      ['dd', 'Movie.2024.1080p.WEB-DL.DD+5.1'],
    ])('"%s" does not match %s', (term, title) => {
      expect(matchesTerm(title, term)).toBe(false);
    });
  });

  describe('matches whole tokens, whatever separates them', () => {
    it.each([
      ['cam', 'Dune.Part.Two.2024.CAM.x264'],
      ['hdcam', 'Dune.Part.Two.2024.HDCAM.x264-AOC'],
      ['ts', 'Dune Part Two (2024) 1080p TS x264'],
      ['dv', 'Movie.2024.2160p.WEB-DL.DV.HDR10.H.265'],
      ['hdr10', 'Movie.2024.2160p.WEB-DL.DV.HDR10.H.265'],
      ['hdr10+', 'Movie.2024.2160p.WEB-DL.HDR10+.H.265'],
      ['amzn', 'Movie.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-FLUX'],
      ['AMZN', 'movie 2024 1080p amzn web-dl'],
      ['flux', 'Movie.2024.1080p.AMZN.WEB-DL.DDP5.1.H.264-FLUX'],
      ['subsplease', '[SubsPlease] Frieren - 01 (1080p) [F02B9CEE].mkv'],
      ['1080p', '[SubsPlease] Frieren - 01 (1080p) [F02B9CEE].mkv'],
      ['f02b9cee', '[SubsPlease] Frieren - 01 (1080p) [F02B9CEE].mkv'],
      ['remux', 'Movie_2024_2160p_UHD_BluRay_REMUX_HEVC'],
      ['3d', 'Avatar.2009.3D.1080p.BluRay.Half-SBS.x264'],
      ['half-sbs', 'Avatar.2009.3D.1080p.BluRay.Half-SBS.x264'],
    ])('"%s" matches %s', (term, title) => {
      expect(matchesTerm(title, term)).toBe(true);
    });
  });

  describe('multi-word terms match consecutive tokens, and joined forms', () => {
    it.each([
      ['dolby vision', 'Movie.2024.2160p.Dolby.Vision.WEB-DL'],
      ['dolby vision', 'Movie.2024.2160p.DolbyVision.WEB-DL'],
      ['dolby-vision', 'Movie 2024 2160p Dolby Vision WEB-DL'],
      ['web-dl', 'Movie.2024.1080p.WEB-DL.x264'],
      ['web-dl', 'Movie.2024.1080p.WEB.DL.x264'],
      ['web-dl', 'Movie.2024.1080p.WEBDL.x264'],
      ['webdl', 'Movie.2024.1080p.WEB-DL.x264'],
      ['blu-ray', 'Movie.2024.1080p.Blu-Ray.x264'],
      ['blu-ray', 'Movie.2024.1080p.BluRay.x264'],
      ['bluray', 'Movie.2024.1080p.Blu-Ray.x264'],
      ['bluray', 'Movie.2024.1080p.BLURAY.x264'],
      ['x265', 'Movie.2024.1080p.x265'],
      ['x265', 'Movie.2024.1080p.X.265'],
      ['h265', 'Movie.2024.1080p.H.265'],
      ['h.265', 'Movie.2024.1080p.H265'],
      ['ddp5.1', 'Movie.2024.1080p.DDP5.1.H.264'],
      ['ddp5.1', 'Movie.2024.1080p.DDP.5.1.H.264'],
      ['5.1', 'Movie.2024.1080p.DDP5.1.H.264'],
      ['dd+', 'Movie.2024.1080p.WEB-DL.DD+5.1'],
      ['dts-hd ma', 'Movie.2024.1080p.BluRay.DTS-HD.MA.5.1'],
      ["director's cut", "Movie.2004.Director's.Cut.1080p.BluRay"],
      ['directors cut', "Movie.2004.Director's.Cut.1080p.BluRay"],
      ["director's cut", 'Movie.2004.Directors.Cut.1080p.BluRay'],
    ])('"%s" matches %s', (term, title) => {
      expect(matchesTerm(title, term)).toBe(true);
    });

    it('keeps a + that a letter follows as a separator', () => {
      expect(matchesTerm('Movie.2024.2160p.WEB-DL.DV+HDR.H.265', 'dv')).toBe(true);
      expect(matchesTerm('Movie.2024.2160p.WEB-DL.DV+HDR.H.265', 'hdr')).toBe(true);
    });
  });

  describe('unicode titles', () => {
    it('ignores case and accents on both sides', () => {
      expect(matchesTerm('Amélie.2001.1080p.BluRay', 'amelie')).toBe(true);
      expect(matchesTerm('Amelie.2001.1080p.BluRay', 'Amélie')).toBe(true);
      expect(matchesTerm('Pokémon.Detective.Pikachu.2019.1080p', 'POKEMON DETECTIVE')).toBe(true);
    });

    it('matches words in other scripts as whole tokens', () => {
      expect(matchesTerm('Брат.1997.1080p.BluRay', 'брат')).toBe(true);
      expect(matchesTerm('Братья.1997.1080p.BluRay', 'брат')).toBe(false);
      expect(matchesTerm('[字幕组] 進撃の巨人 - 01 [1080p]', '字幕组')).toBe(true);
    });

    it('reads full-width letters as their ASCII forms', () => {
      expect(matchesTerm('Movie ２０２４ １０８０ｐ ＷＥＢ－ＤＬ', 'web-dl')).toBe(true);
    });
  });

  it('matches nothing with a term that has no letter or digit', () => {
    expect(matchesTerm('Movie.2024.1080p', '...')).toBe(false);
    expect(matchesTerm('Movie.2024.1080p', '')).toBe(false);
  });

  it('gives the same answers with a tokenised title and compiled term as with strings', () => {
    const title = 'Dune.Part.Two.2024.2160p.AMZN.WEB-DL.DDP5.1.Atmos.DV.HDR10.H.265-FLUX';
    const tokens = tokenizeTitle(title);
    for (const term of ['dv', 'hdr', 'hdr10', 'atmos', 'ddp5.1', 'h265', 'x265', 'web-dl', 'dune part two', 'part 2']) {
      expect(matchesTerm(tokens, compileTerm(term))).toBe(matchesTerm(title, term));
    }
    expect(tokens.tokens).toEqual(['dune', 'part', 'two', '2024', '2160p', 'amzn', 'web', 'dl', 'ddp5', '1', 'atmos', 'dv', 'hdr10', 'h', '265', 'flux']);
  });
});
