import { parseReleaseTitle } from '../index';

describe('release group', () => {
  it.each([
    ['Movie.2019.1080p.BluRay.x264-SPARKS', 'SPARKS'],
    ['Series.S01E01.720p.HDTV.x264-DIMENSION.mkv', 'DIMENSION'],
    ['SomeShow S01E168 1080p WEB-DL AAC 2.0 x264-Erai-raws', 'Erai-raws'],
    ['Series.S01E08.720p.AMZN.WEBRip.DDP5.1.x264-NTb-RakuvFIN', 'NTb'],
    ['Series.Title.S02E04.720p.WEB-DL.AAC2.0.H.264-EVL-Obfuscated', 'EVL'],
    ['Series.S02E09.HDTV.x264-2HD [eztv]-[rarbg.com]', '2HD'],
    ['Movie.2019.1080p.BluRay.x264-GRP[rarbg]', 'GRP'],
    ['Series.Title.S02E04.720p.WEBRip.x264-SKGTV.English', 'SKGTV'],
    ['[SubsPlease] Frieren - 12 (1080p) [C1AF7D83].mkv', 'SubsPlease'],
    ['[Anime Time] A Show [BD][Dual Audio][1080p][HEVC 10bit x265]', 'Anime Time'],
    ['Series Title - S01E01 - Episode Title [RlsGroup]', 'RlsGroup'],
    ['Movie Name (2003) (2160p BluRay X265 HEVC 10bit HDR AAC 7.1 Tigole) [QxR]', 'Tigole'],
    ['Show.Name.2009.S01.1080p.BluRay.DTS5.1.x264-D-Z0N3', 'D-Z0N3'],
  ])('%s was released by %s', (name, group) => {
    expect(parseReleaseTitle(name).releaseGroup).toBe(group);
  });

  it.each([
    ['Series.S02E01.720p.WEB-DL.DD5.1.H.264.mkv'],
    ['Series 2009 S01E14 English HDTV XviD LOL'],
    ['Series Title - S01E01 - Pilot [HDTV-720p]'],
    ['Some.Movie.2013.1080p.BluRay.REMUX.AVC.DTS-X.MA.5.1'],
    ['Terrible.Anime.Title.001.DBOX.480p.x264-iKaos [v3] [6AFFEF6B]'],
  ])('has no group when none is named: %s', (name) => {
    expect(parseReleaseTitle(name).releaseGroup).toBeNull();
  });
});
