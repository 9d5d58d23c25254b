import { parseReleaseTitle } from '../index';

describe('audio', () => {
  it.each([
    ['Series.S01E01.720p.WEBRip.AAC2.0.x264-GRP', 'AAC', '2.0', false],
    ['Series.S01E01.720p.WEB-DL.DD5.1.H.264-GRP', 'AC3', '5.1', false],
    ['Series S01E01 720p WEB DL DD5 1 H 264 GRP', 'AC3', '5.1', false],
    ['Series.S01E01.German.DD51.Dubbed.DL.720p.AmazonHD.x264-TVS', 'AC3', '5.1', false],
    ['Series.S01E01.1080p.AMZN.WEB-DL.DDP5.1.H.264-GRP', 'EAC3', '5.1', false],
    ['S for Series 2005 1080p UHD BluRay DD+7.1 x264-LoRD', 'EAC3', '7.1', false],
    ['Movie.2019.1080p.WEB.EAC3.5.1.Atmos.x265-GRP', 'EAC3', '5.1', true],
    ['Movie.2019.1080p.BluRay.DTS.x264-GRP', 'DTS', null, false],
    ['Movie.2019.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-GRP', 'DTS-HD MA', '5.1', false],
    ['Movie.2019.1080p.BluRay.DTS-X.7.1-GRP', 'DTS-X', '7.1', false],
    ['Movie.2019.2160p.UHD.BluRay.TrueHD.Atmos.7.1.x265-GRP', 'TrueHD', '7.1', true],
    ['[FFF] Series - 10 [BD][1080p-FLAC][0C4091AF]', 'FLAC', null, false],
    ['[Project Angel] Anime Series [DVD 480p] [10-bit x265 HEVC | Opus]', 'Opus', null, false],
    ['[Doki] Series - 02 (848x480 XviD BD MP3) [95360783]', 'MP3', null, false],
    ['MY MOVIE (2016) [720p.WEB-DL.AVC.8Bit.6ch.AC3].mkv', 'AC3', '5.1', false],
  ])('%s: %s %s, Atmos %s', (name, codec, channels, atmos) => {
    expect(parseReleaseTitle(name).audio).toEqual({ codec, channels, atmos });
  });

  it('does not read a version number or an episode as channels', () => {
    expect(parseReleaseTitle('Series.Title.S01E07.21.0.Jump.Street.720p.WEB-DL-KiNGS').audio.channels).toBeNull();
    expect(parseReleaseTitle('[Baws] Evangelion 1.11 - You Are (Not) Alone (1080p BD HEVC FLAC)').audio.channels).toBeNull();
  });
});
