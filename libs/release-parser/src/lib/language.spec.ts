import { parseReleaseTitle } from '../index';

describe('languages', () => {
  it.each([
    ['Movie.Title.2019.FRENCH.1080p.WEB.H264-GRP', ['french']],
    ['Movie.Title.2019.TRUEFRENCH.1080p.BluRay.x264-GRP', ['french']],
    ['Movie.Title.2019.VFF.2160p.WEB-DL.x265-GRP', ['french']],
    ['Movie.Title.2019.VOSTFR.1080p.WEB.H264-GRP', ['french']],
    ['Movie.Title.2019.German.DL.1080p.BluRay.x264-GRP', ['german']],
    ['Movie.Title.2019.SPANiSH.1080p.WEBRip.x264-GRP', ['spanish']],
    ['Movie Title (2020)[BDRemux AVC 1080p][E-AC3 DD Plus 5.1 Castellano-Inglés Subs]', ['spanish']],
    ['Movie.Title.2019.iTALiAN.MD.720p.BluRay.x264-GRP', ['italian']],
    ['Series.Title.1x19.ita.720p.bdmux.x264-novarip', ['italian']],
    ['Movie.Title.2019.JAPANESE.1080p.BluRay.x264-GRP', ['japanese']],
    ['Movie.Title.1982.Ger.Eng.AC3.DL.BDRip.x264-iNCEPTiON', ['german', 'english']],
    ['Movie.Title.1994.PLDUB.1080p.XviD-LOL', ['polish']],
  ])('%s is in %j', (name, languages) => {
    expect(parseReleaseTitle(name).languages).toEqual(languages);
  });

  it('is empty when the title names no language', () => {
    expect(parseReleaseTitle('Movie.Title.2019.1080p.WEB.H264-GRP').languages).toEqual([]);
  });

  it('flags multi-language releases', () => {
    expect(parseReleaseTitle('Le.Film.2019.MULTi.TRUEFRENCH.1080p.WEB.H264-FRATERNiTY')).toMatchObject({ multiLanguage: true, languages: ['french'] });
    expect(parseReleaseTitle('Movie.2019.German.DTS.DL.720p.BluRay.x264-GRP').multiLanguage).toBe(true);
    expect(parseReleaseTitle('[Judas] Show - 01 [1080p][HEVC x265 10bit][Dual-Audio][Multi-Subs]').multiLanguage).toBe(true);
    expect(parseReleaseTitle('Movie Directory 1990 Eng Fre Multi Subs 720p').multiLanguage).toBe(false);
  });

  it('does not count subtitle languages as audio, except Dutch as Sonarr does', () => {
    expect(parseReleaseTitle('Movie.Title.1994.PL-SUB.1080p.XviD-LOL').languages).toEqual([]);
    expect(parseReleaseTitle('Series.Title.S01E01.720p.HDtv.x264-Evolve (NLsub)').languages).toEqual(['dutch']);
  });

  it('ignores language words inside the title and in the release group', () => {
    expect(parseReleaseTitle('The.Italian.Job.2003.1080p.BluRay.x264-GRP').languages).toEqual([]);
    expect(parseReleaseTitle('Two.Greedy.Italians.S01E01.The.Family.720p.HDTV.x264-FTP').languages).toEqual([]);
    expect(parseReleaseTitle('Movie.Title.2010.720p.BluRay.x264.-[YTS.LT]').languages).toEqual([]);
  });
});
