import { parseReleaseTitle } from '../index';

describe('edition', () => {
  it.each([
    ["Prometheus 2012 Director's Cut", "Director's Cut", ['directors-cut']],
    ['Movie.2019.Extended.1080p.BluRay.x264-GRP', 'Extended', ['extended']],
    ['Movie.2019.UNRATED.1080p.BluRay.x264-GRP', 'UNRATED', ['unrated']],
    ['Movie.2019.IMAX.2160p.WEB-DL.DDP5.1.Atmos.DV.H.265-GRP', 'IMAX', ['imax']],
    ['Movie.2019.Theatrical.Cut.1080p.BluRay.x264-GRP', 'Theatrical Cut', ['theatrical']],
    ['Movie.1982.REMASTERED.1080p.BluRay.x264-GRP', 'REMASTERED', ['remastered']],
    ['Movie.1960.Criterion.1080p.BluRay.FLAC.1.0.x264-GRP', 'Criterion', ['criterion']],
    ['Prometheus.2012.(Extended.Theatrical.Version.IMAX).BluRay.1080p', 'Extended Theatrical Version IMAX', ['extended', 'theatrical', 'imax']],
    ['Prometheus 2012 50th Anniversary Edition.mkv', '50th Anniversary Edition', ['anniversary']],
    ['Movie.Title.2015.Open.Matte.1080i.HDTV.DD5.1.MPEG2', 'Open Matte', ['open-matte']],
  ])('%s is the %s edition', (name, edition, editions) => {
    expect(parseReleaseTitle(name)).toMatchObject({ edition, editions });
  });

  it('reads an edition written before the year, outside the title', () => {
    expect(parseReleaseTitle('Movie.Aufbruch.nach.Pandora.Extended.2009.German.DTS.720p.BluRay.x264-SoW')).toMatchObject({
      title: 'Movie Aufbruch nach Pandora',
      edition: 'Extended',
      year: 2009,
    });
  });

  it('does not take a title word or a lone "Special" for an edition', () => {
    expect(parseReleaseTitle('Uncut.Gems.2019.720p.BluRay.x264-YOL0W')).toMatchObject({ title: 'Uncut Gems', edition: null, editions: [] });
    expect(parseReleaseTitle('Star.Wars.Holiday.Special.1978.DVD.REMUX.DD.2.0-ViETNAM').edition).toBeNull();
  });
});
