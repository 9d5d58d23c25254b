import { parseReleaseTitle } from '../index';

describe('video codec and bit depth', () => {
  it.each([
    ['Movie.2019.1080p.BluRay.x264-GRP', 'h264'],
    ['Movie.2019.1080p.WEB-DL.DD5.1.H.264-GRP', 'h264'],
    ['Series S01E01 1080p WEB DL DD5 1 H 264 GRP', 'h264'],
    ['Movie.2019.1080p.BluRay.AVC.DTS-HD.MA.5.1-GRP', 'h264'],
    ['Movie.2019.2160p.WEB-DL.H265-GRP', 'h265'],
    ['Movie.2019.2160p.UHD.BluRay.x265-GRP', 'h265'],
    ['Movie.2019.1080p.BluRay.HEVC.10bit-GRP', 'h265'],
    ['Movie.2019.1080p.WEB.AV1.Opus-GRP', 'av1'],
    ['Movie.2003.DVDRip.XviD-GRP', 'xvid'],
    ['Movie.2003.DVDRip.X-viD-GRP', 'xvid'],
    ['Movie.2003.DVDRip.DivX-GRP', 'divx'],
    ['Planet.Series.S01E11.1080p.HD-DVD.DD.VC1-TRB', 'vc1'],
    ['Series.S01E01.1080i.HDTV.MPEG2-GRP', 'mpeg2'],
  ])('%s is %s', (name, codec) => {
    expect(parseReleaseTitle(name).videoCodec).toBe(codec);
  });

  it('has no codec when the title names none', () => {
    expect(parseReleaseTitle('Movie.2019.1080p.WEB-DL-GRP').videoCodec).toBeNull();
  });

  it('reads the bit depth', () => {
    expect(parseReleaseTitle('Movie.2019.1080p.BluRay.x265.10bit-GRP').bitDepth).toBe(10);
    expect(parseReleaseTitle('[Doki] Series - 07 (1280x720 Hi10P AAC) [80AF7DDE]').bitDepth).toBe(10);
    expect(parseReleaseTitle('[LostYears] Series - 01 (WEB 1080p x264 10-bit AAC)').bitDepth).toBe(10);
    expect(parseReleaseTitle('Movie.2019.1080p.BluRay.x264-GRP').bitDepth).toBeNull();
  });
});
