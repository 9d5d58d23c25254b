import { parseReleaseTitle } from '../index';

describe('resolution, source, modifier and quality', () => {
  it.each([
    ['Movie.2019.2160p.WEB-DL.DDP5.1.H.265-GRP', 2160, 'webdl', null, 'WEBDL-2160p'],
    ['Movie.2019.1080p.BluRay.x264-GRP', 1080, 'bluray', null, 'Bluray-1080p'],
    ['Movie.2019.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-GRP', 1080, 'bluray', 'remux', 'Remux-1080p'],
    ['Movie.2019.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-GRP', 2160, 'bluray', 'remux', 'Remux-2160p'],
    ['Movie.2019.COMPLETE.BLURAY-GRP', 1080, 'bluray', 'brdisk', 'BR-DISK'],
    ['Series.S01E01.720p.HDTV.x264-GRP', 720, 'tv', null, 'HDTV-720p'],
    ['Series.S01E01.HDTV.XviD-GRP', 480, 'tv', null, 'SDTV'],
    ['Series.S01E01.1080p.AMZN.WEBRip.DDP5.1.x264-GRP', 1080, 'webrip', null, 'WEBRip-1080p'],
    ['Movie.2019.576p.BDRip.x264-GRP', 576, 'bluray', null, 'Bluray-576p'],
    ['Movie.2019.DVDRip.XviD-GRP', 480, 'dvd', null, 'DVD'],
    ['Movie.2007.DVD9.NTSC-GRP', 480, 'dvd', 'remux', 'DVD-R'],
    ['Series.S01E01.1080i.HDTV.DD5.1.MPEG2-GRP', 1080, 'tv', 'rawhd', 'Raw-HD'],
  ])('%s is %s %s %s: %s', (name, resolution, source, modifier, quality) => {
    expect(parseReleaseTitle(name)).toMatchObject({ resolution, source, modifier, quality });
  });

  it.each([
    ['Movie.2023.CAM.x264-GRP', 'cam', 'CAM'],
    ['Movie.2023.HDCAM.x264-GRP', 'cam', 'CAM'],
    ['Movie.2023.TS.x264-GRP', 'telesync', 'TELESYNC'],
    ['Movie.2023.HDTS.x264-GRP', 'telesync', 'TELESYNC'],
    ['Movie.2023.TELECINE.x264-GRP', 'telecine', 'TELECINE'],
    ['Movie.2023.WORKPRINT.XviD-GRP', 'workprint', 'WORKPRINT'],
  ])('recognises the pre-release capture in %s', (name, source, quality) => {
    expect(parseReleaseTitle(name)).toMatchObject({ source, quality });
  });

  it('marks screeners and regional releases with a modifier', () => {
    expect(parseReleaseTitle('Movie.2010.DVDSCR.XviD-GRP')).toMatchObject({ source: 'dvd', modifier: 'screener', quality: 'DVDSCR' });
    expect(parseReleaseTitle('Movie.2010.R5.LINE.XviD-GRP')).toMatchObject({ source: 'dvd', modifier: 'regional', quality: 'REGIONAL' });
  });

  it('matches tags as whole tokens, never inside words', () => {
    expect(parseReleaseTitle('Cameron.Rides.Again.2019.1080p.WEBRip.x264-GRP').source).toBe('webrip');
    expect(parseReleaseTitle('American.Dad.S19E01.720p.WEB.x264-GRP')).toMatchObject({ title: 'American Dad', source: 'webdl' });
    expect(parseReleaseTitle('The.Lights.2019.1080p.BluRay.x264-GRP')).toMatchObject({ title: 'The Lights', source: 'bluray' });
    expect(parseReleaseTitle('Movie.2019.DVDRip.x264-GRP').hdr).toEqual([]);
    expect(parseReleaseTitle('Series.S01E01.The.Web.MT-dd').source).toBeNull();
  });

  it('fills a missing source as Sonarr does for episodes and as Radarr does for movies', () => {
    expect(parseReleaseTitle('Series.S01E01.1080p-GRP')).toMatchObject({ source: 'tv', quality: 'HDTV-1080p' });
    expect(parseReleaseTitle('Movie.2019.1080p-GRP')).toMatchObject({ source: 'webdl', quality: 'WEBDL-1080p' });
  });

  it('falls back on the file extension, as Sonarr does', () => {
    expect(parseReleaseTitle('Series.S02E15.avi').quality).toBe('SDTV');
    expect(parseReleaseTitle('Series.S02E15.mkv').quality).toBe('HDTV-720p');
    expect(parseReleaseTitle('Series.S02E15')).toMatchObject({ quality: 'Unknown', source: null, resolution: null });
  });

  it('reads 4K only next to UHD or HEVC, and lets an explicit resolution win', () => {
    expect(parseReleaseTitle('Series.S05E13.4K.UHD.WEB.DL').resolution).toBe(2160);
    expect(parseReleaseTitle('Movie.Title.II.2003.4K.BluRay.Remux.1080p.AVC.DTS-HD.MA.5.1-BMF').resolution).toBe(1080);
  });
});
