import { parseReleaseTitle } from '../index';

describe('proper, repack and version', () => {
  it('is version 1 for a first release', () => {
    expect(parseReleaseTitle('Series.S04E05.HDTV.XviD-LOL').revision).toEqual({ version: 1, real: 0, proper: false, repack: false });
  });

  it('is version 2 for a PROPER or a REPACK, and tells them apart', () => {
    expect(parseReleaseTitle('Series.S04E87.PROPER.720p.HDTV.x264-aAF').revision).toMatchObject({ version: 2, proper: true, repack: false });
    expect(parseReleaseTitle('Series.S04E87.REPACK.720p.HDTV.x264-aAF').revision).toMatchObject({ version: 2, proper: false, repack: true });
    expect(parseReleaseTitle('Series.S01E07.RERIP.720p.BluRay.x264-DEMAND').revision).toMatchObject({ version: 2, repack: true });
  });

  it('counts numbered repacks', () => {
    expect(parseReleaseTitle('Movie.2001.REPACK2.1080p.WEB-DL.DD5.1.H.264-GRP').revision.version).toBe(3);
  });

  it('counts upper-case REAL tags only', () => {
    expect(parseReleaseTitle('Series.S04E05.Garnets.or.Gold.REAL.REAL.PROPER.HDTV.x264-W4F').revision.real).toBe(2);
    expect(parseReleaseTitle('The Real Housewives of Some Place - S01E01 - Why are we doing this?').revision.real).toBe(0);
  });

  it('reads anime versions', () => {
    expect(parseReleaseTitle('[DeadFish] Series Title - 01v3 [720p][AAC]').revision.version).toBe(3);
    expect(parseReleaseTitle('[Hatsuyuki] Series Title - 07 [v2][848x480][23D8F455].avi').revision.version).toBe(2);
    expect(parseReleaseTitle('[SubsPlease] Anime Title - 01 v2 (1080p) [B1F227CF]').revision.version).toBe(2);
  });
});
