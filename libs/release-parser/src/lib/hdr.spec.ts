import { parseReleaseTitle } from '../index';

describe('HDR', () => {
  it.each([
    ['Movie.2019.2160p.UHD.BluRay.x265.HDR10-GRP', ['HDR10']],
    ['Movie.2019.2160p.WEB-DL.HDR10+.DDP5.1.H265-GRP', ['HDR10+']],
    ['Movie.2019.2160p.WEB-DL.HDR10Plus.H265-GRP', ['HDR10+']],
    ['Movie.2019.2160p.WEB-DL.DV.H265-GRP', ['DV']],
    ['Movie.2019.2160p.WEB-DL.DoVi.H265-GRP', ['DV']],
    ['[Dolby Vision] Movie.Title.S07.MULTi.UHD.BLURAY.REMUX.DV-NoTag', ['DV']],
    ['Movie.2019.2160p.WEB-DL.DV.HDR10.DDP5.1.H265-GRP', ['DV', 'HDR10']],
    ['Movie.2019.2160p.BluRay.HLG.x265-GRP', ['HLG']],
  ])('%s carries %j', (name, hdr) => {
    expect(parseReleaseTitle(name).hdr).toEqual(hdr);
  });

  it('reports a plain HDR tag as HDR10, its base layer', () => {
    expect(parseReleaseTitle('Movie.2018.2160p.WEBRip.x265.10bit.HDR.DD5.1-GASMASK').hdr).toEqual(['HDR10']);
  });

  it('is empty for SDR, and DV never matches inside DVD', () => {
    expect(parseReleaseTitle('Movie.2019.1080p.BluRay.x264-GRP').hdr).toEqual([]);
    expect(parseReleaseTitle('Movie.2019.DVDRip.x264-GRP').hdr).toEqual([]);
    expect(parseReleaseTitle('Movie.2019.720p.HDRip.x264-GRP').hdr).toEqual([]);
  });
});
