import { parseReleaseTitle } from '../index';

describe('episodes', () => {
  it.each([
    ['Series.Title.S03E06.DVDRip.XviD-WiDE', 3, [6]],
    ['Series.Title.4x05.HDTV.XviD-LOL', 4, [5]],
    ['Series Title Season 01 Episode 05 720p', 1, [5]],
    ['Super.Series.S01.Ep06.1080p.BluRay.DTS.x264-MiR', 1, [6]],
    ['Series.and.a.Title.1013.720p.HDTV.X264-DIMENSION', 10, [13]],
  ])('reads a single episode: %s', (name, season, episodes) => {
    expect(parseReleaseTitle(name)).toMatchObject({ kind: 'episode', season, episodes, fullSeason: false });
  });

  it.each([
    ['Series.Title.S07E22E23.720p.HDTV.X264-DIMENSION', 7, [22, 23]],
    ['Series.S03E01-06.DUAL.BDRip.XviD.AC3.-HELLYWOOD', 3, [1, 2, 3, 4, 5, 6]],
    ['Series.Kings.S02E09-E10.HDTV.x264-ASAP', 2, [9, 10]],
    ['Series.S03E01.S03E02.720p.HDTV.X264-DIMENSION', 3, [1, 2]],
    ['Series.Title.2x04.2x05.720p.BluRay-FUTV', 2, [4, 5]],
    ['Series Title.S6E1-E2-E3.Episode Name.1080p.WEB-DL', 6, [1, 2, 3]],
  ])('expands a multi-episode release to every episode of the run: %s', (name, season, episodes) => {
    expect(parseReleaseTitle(name)).toMatchObject({ season, episodes });
  });

  it('reads a full season pack', () => {
    expect(parseReleaseTitle('Series.Title.S01.720p.WEBDL.DD5.1.H.264-NTb')).toMatchObject({ kind: 'season', season: 1, episodes: [], fullSeason: true });
    expect(parseReleaseTitle('The Series Season 4 WS PDTV XviD FUtV')).toMatchObject({ season: 4, fullSeason: true });
  });

  it('reads a pack of several seasons from its first season', () => {
    expect(parseReleaseTitle('Series.Title.S01-S09.1080p.AMZN.WEB-DL.DDP2.0.H.264-NTb')).toMatchObject({ season: 1, fullSeason: true, multiSeason: true });
  });

  it('tells season extras and partial seasons from full seasons', () => {
    expect(parseReleaseTitle('Series.Title.S01.EXTRAS.DVDRip.XviD-RUNNER')).toMatchObject({ season: 1, seasonExtra: true });
    expect(parseReleaseTitle('The.Series.2016.S02.Part.1.1080p.NF.WEBRip.DD5.1.x264-NTb')).toMatchObject({ season: 2, fullSeason: false, seasonPart: 1 });
  });

  it('reads a daily show by its air date, whatever the date format', () => {
    expect(parseReleaseTitle('The.Daily.Show.2024.03.15.Guest.720p.WEB.h264-JEBAITED')).toMatchObject({ kind: 'daily', airDate: '2024-03-15', episodes: [] });
    expect(parseReleaseTitle('A.Late.Talk.Show.140722.720p.HDTV.x264-YesTV').airDate).toBe('2014-07-22');
    expect(parseReleaseTitle('The_Series_US_04.28.2014_hdtv.x264.Poke.mp4').airDate).toBe('2014-04-28');
    expect(parseReleaseTitle('2020.A.Late.Talk.Show.2012.16.02.PDTV.XviD-C4TV').airDate).toBe('2012-02-16');
  });

  it('reads anime absolute numbers', () => {
    expect(parseReleaseTitle('[SubsPlease] Frieren - 12 (1080p) [C1AF7D83].mkv')).toMatchObject({ kind: 'anime', title: 'Frieren', absoluteEpisodes: [12] });
    expect(parseReleaseTitle('[Judas] Some Anime Show - 091-123 [1080p][HEVC x265 10bit]').absoluteEpisodes).toHaveLength(33);
    expect(parseReleaseTitle('[K-F] Some Anime Show S10E14 214')).toMatchObject({ season: 10, episodes: [14], absoluteEpisodes: [214] });
  });

  it('does not take a movie with a number in its title for an episode', () => {
    expect(parseReleaseTitle('Fahrenheit.451.2018.1080p.WEB-DL.DD5.1.H264-FGT')).toMatchObject({ kind: 'movie', title: 'Fahrenheit 451', year: 2018 });
    expect(parseReleaseTitle('Harry.Potter.and.the.Deathly.Hallows.Part.2.2011.1080p.BluRay.x264-GRP')).toMatchObject({
      kind: 'movie',
      title: 'Harry Potter and the Deathly Hallows Part 2',
    });
    expect(parseReleaseTitle('1917.2019.2160p.UHD.BluRay.x265-GRP')).toMatchObject({ kind: 'movie', title: '1917', year: 2019 });
  });

  it('does not take a frame size for an episode', () => {
    expect(parseReleaseTitle('[Doki] Series - 07 (1280x720 Hi10P AAC) [80AF7DDE]')).toMatchObject({ absoluteEpisodes: [7], season: null, resolution: 720 });
  });
});
