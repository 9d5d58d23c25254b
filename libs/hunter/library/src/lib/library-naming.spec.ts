import { LibraryNamingError, libraryPathFor, sanitiseName, splitExtension } from './library-naming';
import type { WantedMedia } from './wanted-media';
import { isWindowsDeviceName, utf8Bytes } from './windows-names';

const MATRIX: WantedMedia = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null };
const BREAKING_BAD: WantedMedia = { kind: 'series', title: 'Breaking Bad', year: 2008, season: 2, episode: 5 };
const FILM_RELEASE = { title: 'The.Matrix.1999.1080p.BluRay.x264-GROUP' };
const EPISODE_RELEASE = { title: 'Breaking.Bad.S02E05.720p.HDTV.x264-CTU' };

function film(title: string, year: number | null = 2000): WantedMedia {
  return { kind: 'movie', title, year, season: null, episode: null };
}

describe('libraryPathFor', () => {
  describe('films', () => {
    it('files a film under its title and year, with the quality read from the release title', () => {
      const path = libraryPathFor({ media: MATRIX, release: FILM_RELEASE, sourceFile: { path: 'The.Matrix.1999.1080p.BluRay.x264-GROUP/group-matrix.MKV' } });
      expect(path).toBe('The Matrix (1999)/The Matrix (1999) [Bluray-1080p].mkv');
    });

    it('uses the quality given rather than parsing the title', () => {
      const path = libraryPathFor({ media: MATRIX, release: { ...FILM_RELEASE, quality: 'Remux-2160p' }, sourceFile: { path: 'm.mkv' } });
      expect(path).toBe('The Matrix (1999)/The Matrix (1999) [Remux-2160p].mkv');
    });

    it('leaves the quality out when the release title does not tell it', () => {
      expect(libraryPathFor({ media: MATRIX, release: { title: 'The Matrix' }, sourceFile: { path: 'm.mkv' } })).toBe('The Matrix (1999)/The Matrix (1999).mkv');
    });

    it('leaves the year out when unknown', () => {
      const path = libraryPathFor({ media: film('The Matrix', null), release: { title: 'The.Matrix.2160p.WEB-DL-GROUP' }, sourceFile: { path: 'm.mkv' } });
      expect(path).toBe('The Matrix/The Matrix [WEBDL-2160p].mkv');
    });

    it.each([
      ['The.Matrix.1999.1080p.BluRay.x264-GROUP.en.srt', '.en.srt'],
      ['The.Matrix.1999.1080p.BluRay.x264-GROUP.pt-BR.forced.srt', '.pt-BR.forced.srt'],
      ['The.Matrix.1999.1080p.BluRay.x264-GROUP.eng.SDH.srt', '.eng.sdh.srt'],
      ['matrix.forced.ass', '.forced.ass'],
      ['Subs/2_English.srt', '.srt'],
      ['Subs/VobSub/matrix.idx', '.idx'],
      ['The.Matrix.1999.1080p.BluRay.x264-LOL.srt', '.srt'],
    ])('keeps a subtitle language suffix: %s', (source, suffix) => {
      const path = libraryPathFor({ media: MATRIX, release: FILM_RELEASE, sourceFile: { path: source } });
      expect(path).toBe(`The Matrix (1999)/The Matrix (1999) [Bluray-1080p]${suffix}`);
    });
  });

  describe('series', () => {
    it('files an episode under the series and its season', () => {
      const path = libraryPathFor({ media: BREAKING_BAD, release: EPISODE_RELEASE, sourceFile: { path: 'Breaking.Bad.S02E05.720p.HDTV.x264-CTU.mkv' } });
      expect(path).toBe('Breaking Bad/Season 02/Breaking Bad - S02E05 [HDTV-720p].mkv');
    });

    it('names every episode of a multi-episode file', () => {
      const path = libraryPathFor({ media: BREAKING_BAD, release: EPISODE_RELEASE, sourceFile: { path: 'Breaking.Bad.S02E05E06.720p.mkv' } });
      expect(path).toBe('Breaking Bad/Season 02/Breaking Bad - S02E05-E06 [HDTV-720p].mkv');
    });

    it('takes the episodes given over what the file name says', () => {
      const path = libraryPathFor({ media: BREAKING_BAD, release: EPISODE_RELEASE, sourceFile: { path: 'x/S02E05.mkv', episodes: [2, 1, 2] } });
      expect(path).toBe('Breaking Bad/Season 02/Breaking Bad - S02E01-E02 [HDTV-720p].mkv');
    });

    it("files each episode of a season pack by its own number, in its own season's folder", () => {
      const media: WantedMedia = { ...BREAKING_BAD, season: null, episode: null };
      const release = { title: 'Breaking.Bad.S01-S03.1080p.BluRay.x264-ROVERS' };
      const path = libraryPathFor({ media, release, sourceFile: { path: 'Breaking.Bad.S01-S03/S03/Breaking.Bad.S03E07.1080p.mkv' } });
      expect(path).toBe('Breaking Bad/Season 03/Breaking Bad - S03E07 [Bluray-1080p].mkv');
    });

    it('reads the episode from the folder when the file name is obfuscated, and subtitles keep their language', () => {
      const source = 'Breaking.Bad.S02E05.720p.HDTV.x264-CTU/Subs/a8f3c1.en.srt';
      expect(libraryPathFor({ media: { ...BREAKING_BAD, episode: null }, release: EPISODE_RELEASE, sourceFile: { path: source } })).toBe(
        'Breaking Bad/Season 02/Breaking Bad - S02E05 [HDTV-720p].en.srt',
      );
    });

    it('falls back on the asked episode when nothing in the path names one', () => {
      const path = libraryPathFor({ media: BREAKING_BAD, release: EPISODE_RELEASE, sourceFile: { path: 'video.mkv' } });
      expect(path).toBe('Breaking Bad/Season 02/Breaking Bad - S02E05 [HDTV-720p].mkv');
    });

    it('pads seasons and episodes past 99 to their width', () => {
      const media: WantedMedia = { kind: 'series', title: 'One Piece', year: 1999, season: 21, episode: 1071 };
      expect(libraryPathFor({ media, release: { title: 'One.Piece.S21E1071.1080p.WEB-DL-GROUP' }, sourceFile: { path: 'op.mkv' } })).toBe(
        'One Piece/Season 21/One Piece - S21E1071 [WEBDL-1080p].mkv',
      );
    });

    it('refuses to guess the episode of a file when neither the path nor the media says', () => {
      const media: WantedMedia = { ...BREAKING_BAD, season: null, episode: null };
      expect(() => libraryPathFor({ media, release: EPISODE_RELEASE, sourceFile: { path: 'Breaking Bad/video.mkv' } })).toThrow(LibraryNamingError);
    });
  });

  it.each(['noextension', 'movie.', 'movie.mk v', 'movie.verylongextension'])('refuses a source without a usable extension: %s', (source) => {
    expect(() => libraryPathFor({ media: MATRIX, release: FILM_RELEASE, sourceFile: { path: source } })).toThrow(LibraryNamingError);
  });

  describe('safe names', () => {
    it('turns a colon into a dash and drops what Windows forbids', () => {
      expect(libraryPathFor({ media: film('Spider-Man: No Way Home', 2021), release: { title: 'x' }, sourceFile: { path: 'x.mkv' } })).toBe(
        'Spider-Man - No Way Home (2021)/Spider-Man - No Way Home (2021).mkv',
      );
      expect(sanitiseName('What If...?')).toBe('What If');
      expect(sanitiseName('<Who>* | "Me"? a\\b/c:d')).toBe("Who - 'Me' a-b-c-d");
    });

    it('removes control and direction-changing characters, and collapses white space', () => {
      expect(sanitiseName('Bad\u0000\u001b\u0085 \u202Egnihton\u2066 \t Title')).toBe('Bad gnihton Title');
    });

    it('trims trailing dots and spaces, and leading dots', () => {
      expect(sanitiseName('  ..Hidden... ')).toBe('Hidden');
      expect(sanitiseName('..')).toBe('_');
      expect(sanitiseName('???')).toBe('_');
    });

    it('replaces slashes however they are spelled', () => {
      expect(sanitiseName('Fate／stay night ＼ x ∕ y ⁄ z')).toBe('Fate-stay night - x - y - z');
    });

    it('normalises to NFC', () => {
      const decomposed = 'Ame\u0301lie';
      const path = libraryPathFor({ media: film(decomposed, 2001), release: { title: 'x' }, sourceFile: { path: 'x.mkv' } });
      expect(path).toBe('Am\u00e9lie (2001)/Am\u00e9lie (2001).mkv');
    });

    it('moves names out of Windows device names', () => {
      const series: WantedMedia = { kind: 'series', title: 'CON', year: null, season: 1, episode: 1 };
      expect(libraryPathFor({ media: series, release: { title: 'x' }, sourceFile: { path: 'x.mkv' } })).toBe('CON_/Season 01/CON - S01E01.mkv');
      expect(libraryPathFor({ media: film('Nul', null), release: { title: 'x' }, sourceFile: { path: 'x.mkv' } })).toBe('Nul_/Nul_.mkv');
    });

    it('caps names at 255 bytes, keeping the year, the quality and the extension, without splitting a character', () => {
      const path = libraryPathFor({ media: film('日本'.repeat(100)), release: FILM_RELEASE, sourceFile: { path: 'x.en.srt' } });
      const [folder, file] = path.split('/');
      expect(utf8Bytes(folder)).toBeLessThanOrEqual(255);
      expect(utf8Bytes(file)).toBeLessThanOrEqual(255);
      expect(utf8Bytes(file)).toBeGreaterThan(250);
      expect(file).toMatch(/^(日本)+日? \(2000\) \[Bluray-1080p\]\.en\.srt$/);
      expect(folder).toMatch(/^(日本)+日? \(2000\)$/);
    });

    it.each(['..', '.', 'CON', 'a/../../etc', 'x\u0000y', '\u202Eexe.mkv', ' ', 'Movie.', 'C:\\Windows', 'ＣＯＮ', 'x'.repeat(400)])(
      'gives only safe segments for the title %j',
      (title) => {
        for (const media of [film(title), { ...BREAKING_BAD, title }]) {
          const path = libraryPathFor({ media, release: FILM_RELEASE, sourceFile: { path: 'x.mkv' } });
          for (const segment of path.split('/')) {
            expect(segment).not.toMatch(/^\.{0,2}$|[<>:"\\|?*\p{Cc}\u202a-\u202e]|[. ]$/u);
            expect(isWindowsDeviceName(segment)).toBe(false);
            expect(utf8Bytes(segment)).toBeLessThanOrEqual(255);
          }
          expect(path.split('/')).toHaveLength(media.kind === 'movie' ? 2 : 3);
        }
      },
    );
  });
});

describe('splitExtension', () => {
  it.each([
    ['The Matrix (1999) [Bluray-1080p].mkv', 'The Matrix (1999) [Bluray-1080p]', '.mkv'],
    ['Mr. Robot - S01E01.en.forced.srt', 'Mr. Robot - S01E01', '.en.forced.srt'],
    ['Movie.EN.srt', 'Movie', '.EN.srt'],
    ['Movie.en.mkv', 'Movie.en', '.mkv'],
    ['.hidden', '.hidden', ''],
    ['README', 'README', ''],
  ])('splits %s', (name, stem, extension) => {
    expect(splitExtension(name)).toEqual({ stem, extension });
  });
});
