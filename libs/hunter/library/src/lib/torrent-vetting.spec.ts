import { type TorrentExpectation, type TorrentFileToVet, type TorrentVetting, SAMPLE_MAX_BYTES, vetTorrent } from './torrent-vetting';
import type { WantedMedia } from './wanted-media';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

const MATRIX: WantedMedia = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null };

function expectation(overrides: Partial<TorrentExpectation> = {}): TorrentExpectation {
  return { media: MATRIX, claimedSizeBytes: null, limits: { maxFiles: 1000, maxTotalBytes: 100 * GIB }, ...overrides };
}

/** Files numbered in the order given. */
function torrent(...files: readonly (readonly [path: string, length: number, rawSegments?: readonly string[]])[]): { files: TorrentFileToVet[] } {
  return { files: files.map(([path, length, rawSegments], index) => ({ index, path, length, ...(rawSegments ? { rawSegments } : {}) })) };
}

const FILM = 'The.Matrix.1999.1080p.BluRay.x264-GROUP';
const MAIN: readonly [string, number] = [`${FILM}/${FILM}.mkv`, 8 * GIB];

function refusal(vetting: TorrentVetting): { code: string; reason: string } {
  if (vetting.ok) throw new Error(`expected a refusal, got ${JSON.stringify(vetting)}`);
  return vetting;
}

describe('vetTorrent', () => {
  describe('unsafe paths', () => {
    // Each crafted name sits beside a perfectly good film: only the name can be the reason.
    it.each([
      ['a `..` step', `${FILM}/../../.bashrc`, 'a `..` step'],
      ['a `..` segment alone', '..', 'a `..` step'],
      ['a `.` step', `./${FILM}.mkv`, 'a `.` step'],
      ['an empty segment', `${FILM}//x.mkv`, 'an empty name'],
      ['an absolute path', '/etc/cron.d/sokoul', 'an absolute path'],
      ['a drive letter', 'C:/Windows/System32/x.mkv', 'a drive letter'],
      ['a drive-relative name', 'C:x.mkv', 'a drive letter'],
      ['a backslash', `${FILM}\\..\\..\\x.mkv`, 'a backslash'],
      ['a NUL character', `${FILM}/x\u0000.mkv`, 'a control character'],
      ['a newline', `${FILM}/x\n.nfo`, 'a control character'],
      ['a terminal escape', `${FILM}/\u001b[2Jx.nfo`, 'a control character'],
      ['a C1 control character', `${FILM}/x\u0085.nfo`, 'a control character'],
      ['the CON device', `${FILM}/CON`, 'a Windows device name'],
      ['a device name with an extension', `${FILM}/con.mkv`, 'a Windows device name'],
      ['the NUL device as a subtitle', `${FILM}/NUL.srt`, 'a Windows device name'],
      ['AUX', `${FILM}/AUX.nfo`, 'a Windows device name'],
      ['PRN', `${FILM}/prn.txt`, 'a Windows device name'],
      ['COM1', `${FILM}/COM1.mkv`, 'a Windows device name'],
      ['COM9', `${FILM}/com9`, 'a Windows device name'],
      ['LPT1', `${FILM}/LPT1.nfo`, 'a Windows device name'],
      ['LPT9', `${FILM}/Lpt9.tar.gz`, 'a Windows device name'],
      ['a device name with a trailing space before the extension', `${FILM}/CON .nfo`, 'a Windows device name'],
      ['a device name with trailing dots', `${FILM}/NUL...`, 'a Windows device name'],
      ['a device name with a superscript digit', `${FILM}/COM¹.nfo`, 'a Windows device name'],
      ['a device name as a folder', `CON/${FILM}.mkv`, 'a Windows device name'],
      ['a name over 255 bytes', `${FILM}/${'a'.repeat(252)}.nfo`, 'a name over 255 bytes'],
      ['a name over 255 bytes though under 255 characters', `${FILM}/${'é'.repeat(127)}.nfo`, 'a name over 255 bytes'],
      ['a path over 4096 bytes', `${Array.from({ length: 21 }, () => 'a'.repeat(200)).join('/')}/x.nfo`, 'a path over 4096 bytes'],
      ['a right-to-left override hiding `.exe`', `${FILM}/Matrix\u202Evkm.exe`, 'a bidirectional override'],
      ['U+202A', `${FILM}/x\u202A.nfo`, 'a bidirectional override'],
      ['U+202B', `${FILM}/x\u202B.nfo`, 'a bidirectional override'],
      ['U+202C', `${FILM}/x\u202C.nfo`, 'a bidirectional override'],
      ['U+202D', `${FILM}/x\u202D.nfo`, 'a bidirectional override'],
      ['U+2066', `${FILM}/x\u2066.nfo`, 'a bidirectional override'],
      ['U+2067', `${FILM}/x\u2067.nfo`, 'a bidirectional override'],
      ['U+2068', `${FILM}/x\u2068.nfo`, 'a bidirectional override'],
      ['U+2069', `${FILM}/x\u2069.nfo`, 'a bidirectional override'],
      ['a two-dot leader (NFKC `..`)', `${FILM}/\u2025/x.nfo`, 'normalise as `..` or a separator'],
      ['fullwidth full stops (NFKC `..`)', `${FILM}/\uFF0E\uFF0E/x.nfo`, 'normalise as `..` or a separator'],
      ['fullwidth full stops inside a name', `${FILM}/x\uFF0E\uFF0Ey.nfo`, 'normalise as `..` or a separator'],
      ['small full stops (NFKC `..`)', `${FILM}/\uFE52\uFE52/x.nfo`, 'normalise as `..` or a separator'],
      ['a fullwidth solidus', `${FILM}/..\uFF0Fetc.nfo`, 'normalise as `..` or a separator'],
      ['a fullwidth reverse solidus', `${FILM}/x\uFF3Cy.nfo`, 'normalise as `..` or a separator'],
      ['a division slash', `${FILM}/x\u2215y.nfo`, 'normalise as `..` or a separator'],
      ['a fraction slash', `${FILM}/x\u2044y.nfo`, 'normalise as `..` or a separator'],
      ['dots and a space (Windows reads `..`)', `${FILM}/.. /x.nfo`, 'a name of dots and spaces'],
      ['three dots', `${FILM}/.../x.nfo`, 'a name of dots and spaces'],
    ])('refuses %s', (_case, path, because) => {
      const vetting = refusal(vetTorrent(torrent(MAIN, [path, 1000]), expectation()));
      expect(vetting.code).toBe('unsafe-path');
      expect(vetting.reason).toContain(because);
    });

    it('judges the names the torrent gives, not only what the client made of them', () => {
      const vetting = vetTorrent(torrent(MAIN, [`${FILM}/_/passwd.nfo`, 10, [FILM, '..', 'passwd.nfo']]), expectation());
      expect(refusal(vetting).code).toBe('unsafe-path');
    });

    it('refuses a slash inside a raw name', () => {
      const vetting = vetTorrent(torrent(MAIN, [`${FILM}/a_b.nfo`, 10, [FILM, '../b.nfo']]), expectation());
      expect(refusal(vetting).code).toBe('unsafe-path');
    });

    it('judges the path the client will write even when the raw names are clean', () => {
      const vetting = vetTorrent(torrent(MAIN, ['../outside.nfo', 10, [FILM, 'outside.nfo']]), expectation());
      expect(refusal(vetting).code).toBe('unsafe-path');
    });

    it('names the offending file, with invisible characters spelled out', () => {
      const { reason } = refusal(vetTorrent(torrent(MAIN, [`${FILM}/Matrix\u202Evkm.exe`, 10]), expectation()));
      expect(reason).toContain('Matrix\\u{202e}vkm.exe');
      expect(reason).not.toContain('\u202E');
    });

    it.each([
      ['a colon inside a name', `${FILM}/Spider-Man: No Way Home.mkv`],
      ['a leading dot', `${FILM}/.hidden.nfo`],
      ['dots inside a name', `${FILM}/a..b.nfo`],
      ['a name that merely starts like a device', `${FILM}/CONSOLE.nfo`],
      ['a name of exactly 255 bytes', `${FILM}/${'a'.repeat(251)}.nfo`],
      ['accents and CJK', `${FILM}/Amélie 天気の子.nfo`],
    ])('accepts %s', (_case, path) => {
      expect(vetTorrent(torrent(MAIN, [path, 1000]), expectation())).toMatchObject({ ok: true });
    });
  });

  describe('programs and shortcuts', () => {
    it.each(['exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'ps1', 'vbs', 'js', 'jar', 'sh', 'apk', 'dll', 'EXE'])('refuses a .%s file', (extension) => {
      const vetting = refusal(vetTorrent(torrent(MAIN, [`${FILM}/Codec.Installer.${extension}`, 100_000]), expectation()));
      expect(vetting.code).toBe('executable');
      expect(vetting.reason).toContain(`Codec.Installer.${extension}`);
    });

    it('refuses a program disguised by a double extension or trailing dots', () => {
      expect(refusal(vetTorrent(torrent(MAIN, [`${FILM}/${FILM}.mkv.exe`, 100_000]), expectation())).code).toBe('executable');
      expect(refusal(vetTorrent(torrent(MAIN, [`${FILM}/setup.exe.`, 100_000]), expectation())).code).toBe('executable');
    });

    it.each(['lnk', 'url', 'desktop', 'webloc'])('refuses a .%s shortcut', (extension) => {
      const vetting = refusal(vetTorrent(torrent(MAIN, [`${FILM}/Visit us.${extension}`, 200]), expectation()));
      expect(vetting.code).toBe('shortcut');
    });
  });

  describe('what the payload is', () => {
    it('refuses a torrent without a video', () => {
      const vetting = refusal(vetTorrent(torrent([`${FILM}/${FILM}.nfo`, 3000], [`${FILM}/cover.jpg`, 200_000]), expectation()));
      expect(vetting.code).toBe('no-media');
      expect(refusal(vetTorrent(torrent(), expectation())).code).toBe('no-media');
    });

    it.each([
      ['a RAR set', [`${FILM}/group-matrix.rar`, `${FILM}/group-matrix.r00`, `${FILM}/group-matrix.r01`]],
      ['a .partNN.rar set', [`${FILM}/matrix.part01.rar`, `${FILM}/matrix.part02.rar`]],
      ['numbered volumes', [`${FILM}/matrix.mkv.001`, `${FILM}/matrix.mkv.002`]],
      ['a zip', [`${FILM}/matrix.zip`]],
      ['a 7z', [`${FILM}/matrix.7z`]],
    ])('refuses a release packed as %s', (_case, archives) => {
      const files = [...archives.map((path) => [path, 2 * GIB] as const), [`${FILM}/Sample/group-matrix-sample.mkv`, 40 * MIB] as const];
      const vetting = refusal(vetTorrent(torrent(...files), expectation()));
      expect(vetting.code).toBe('split-archive');
    });

    it('ignores an archive beside a real video', () => {
      const vetting = vetTorrent(torrent(MAIN, [`${FILM}/Subs.rar`, 2 * MIB]), expectation());
      expect(vetting).toEqual({ ok: true, selected: [0], mainFiles: [0] });
    });

    it.each([
      ['a Sample folder', `${FILM}/Sample/${FILM}.mkv`],
      ['a Samples folder', `${FILM}/Samples/matrix.mkv`],
      ['`sample` in the name', `${FILM}/${FILM}.sample.mkv`],
      ['`-sample` in the name', `${FILM}/group-matrix-sample.mkv`],
      ['`SAMPLE` in capitals', `${FILM}/SAMPLE.mkv`],
    ])('refuses a torrent whose only video is a sample: %s', (_case, path) => {
      // Large, so the name alone gives it away.
      const vetting = refusal(vetTorrent(torrent([path, 2 * GIB], [`${FILM}/${FILM}.nfo`, 100]), expectation()));
      expect(vetting.code).toBe('sample-only');
    });

    it('refuses a lone sample-sized video however it is named', () => {
      const vetting = refusal(vetTorrent(torrent([`${FILM}/${FILM}.mkv`, SAMPLE_MAX_BYTES - 1]), expectation()));
      expect(vetting).toMatchObject({ code: 'sample-only', reason: expect.stringContaining(`${FILM}.mkv`) });
    });

    it('does not take `sample` inside another word for a sample', () => {
      const vetting = vetTorrent(torrent([`Sampler.2015.1080p/Sampler.2015.1080p.mkv`, 4 * GIB]), expectation({ media: null }));
      expect(vetting).toEqual({ ok: true, selected: [0], mainFiles: [0] });
    });
  });

  describe('selection', () => {
    it('selects the film and the subtitles beside it, and nothing else', () => {
      const vetting = vetTorrent(
        torrent(
          MAIN,
          [`${FILM}/${FILM}.en.srt`, 80_000],
          [`${FILM}/${FILM}.nfo`, 3000],
          [`${FILM}/Sample/${FILM}-sample.mkv`, 60 * MIB],
          [`${FILM}/Sample/${FILM}-sample.srt`, 2000],
          [`${FILM}/Subs/2_English.srt`, 80_000],
          [`${FILM}/Subs/VobSub/matrix.idx`, 40_000],
          [`${FILM}/Subs/VobSub/matrix.sub`, 4 * MIB],
          [`${FILM}/Screens/screen1.jpg`, 300_000],
          [`${FILM}/Featurettes/Making.Of.mkv`, 60 * MIB],
          [`${FILM}/RARBG.txt`, 30],
        ),
        expectation(),
      );
      expect(vetting).toEqual({ ok: true, selected: [0, 1, 5, 6, 7], mainFiles: [0] });
    });

    it('selects a single-file torrent', () => {
      expect(vetTorrent(torrent([`${FILM}.mkv`, 8 * GIB]), expectation())).toEqual({ ok: true, selected: [0], mainFiles: [0] });
    });
  });

  describe('limits and sizes', () => {
    it('refuses more files than the limit, before looking at any name', () => {
      const files = torrent(MAIN, ['../a', 1], ['../b', 1]);
      expect(refusal(vetTorrent(files, expectation({ limits: { maxFiles: 2, maxTotalBytes: 100 * GIB } }))).code).toBe('too-many-files');
      expect(refusal(vetTorrent(files, expectation({ limits: { maxFiles: 3, maxTotalBytes: 100 * GIB } }))).code).toBe('unsafe-path');
    });

    it('refuses when what would be downloaded exceeds the limit', () => {
      const vetting = refusal(vetTorrent(torrent(MAIN), expectation({ limits: { maxFiles: 10, maxTotalBytes: 8 * GIB - 1 } })));
      expect(vetting.code).toBe('too-large');
      expect(vetTorrent(torrent(MAIN), expectation({ limits: { maxFiles: 10, maxTotalBytes: 8 * GIB } }))).toMatchObject({ ok: true });
    });

    it('counts only the selected files against the size limit', () => {
      const pack = torrent(...Array.from({ length: 10 }, (_, i) => [`Show.S01/Show.S01E${String(i + 1).padStart(2, '0')}.mkv`, 2 * GIB] as const));
      const media: WantedMedia = { kind: 'series', title: 'Show', year: null, season: 1, episode: 5 };
      const vetting = vetTorrent(pack, expectation({ media, limits: { maxFiles: 100, maxTotalBytes: 3 * GIB } }));
      expect(vetting).toEqual({ ok: true, selected: [4], mainFiles: [4] });
    });

    it.each([
      [4 * GIB, 1.9 * GIB],
      [4 * GIB, 8.1 * GIB],
      [10 * GIB, 20],
    ])('refuses a claimed size of %d bytes for a torrent of %d', (claimed, actual) => {
      const vetting = refusal(vetTorrent(torrent([`${FILM}.mkv`, Math.round(actual)]), expectation({ claimedSizeBytes: claimed })));
      expect(vetting.code).toBe('size-mismatch');
    });

    it.each([
      [4 * GIB, 2 * GIB],
      [4 * GIB, 8 * GIB],
      [0, 8 * GIB],
      [null, 8 * GIB],
    ])('accepts a claimed size of %p bytes for a torrent of %d', (claimed, actual) => {
      expect(vetTorrent(torrent([`${FILM}.mkv`, actual]), expectation({ claimedSizeBytes: claimed }))).toMatchObject({ ok: true });
    });

    it('refuses impossible lengths', () => {
      expect(refusal(vetTorrent(torrent(MAIN, [`${FILM}/x.nfo`, -8 * GIB]), expectation())).code).toBe('invalid-metadata');
      expect(refusal(vetTorrent(torrent(MAIN, [`${FILM}/x.nfo`, 0.5]), expectation())).code).toBe('invalid-metadata');
    });
  });

  describe('episodes', () => {
    const episode: WantedMedia = { kind: 'series', title: 'Breaking Bad', year: 2008, season: 2, episode: 5 };
    const season: WantedMedia = { ...episode, episode: null };
    const PACK = 'Breaking.Bad.S02.1080p.BluRay.x264-ROVERS';
    const pack = torrent(
      ...[4, 5, 6].flatMap((n) => [
        [`${PACK}/Breaking.Bad.S02E0${n}.1080p.BluRay.x264-ROVERS.mkv`, 2 * GIB] as const,
        [`${PACK}/Breaking.Bad.S02E0${n}.1080p.BluRay.x264-ROVERS.en.srt`, 50_000] as const,
      ]),
      [`${PACK}/Subs/English.srt`, 50_000],
    );

    it('accepts the asked episode', () => {
      const vetting = vetTorrent(torrent(['Breaking.Bad.S02E05.720p.HDTV.x264-CTU.mkv', 400 * MIB]), expectation({ media: episode }));
      expect(vetting).toEqual({ ok: true, selected: [0], mainFiles: [0] });
    });

    it('refuses another episode, naming what the files are', () => {
      const vetting = vetTorrent(torrent(['Breaking.Bad.S02E06.720p.HDTV.x264-CTU.mkv', 400 * MIB]), expectation({ media: episode }));
      expect(vetting).toEqual({
        ok: false,
        code: 'wrong-episodes',
        reason: 'Asked for S02E05; the videos are "Breaking.Bad.S02E06.720p.HDTV.x264-CTU.mkv" (S02E06)',
      });
    });

    it('refuses another season', () => {
      const vetting = refusal(vetTorrent(torrent(['Breaking.Bad.S03E05.720p.HDTV.x264-CTU.mkv', 400 * MIB]), expectation({ media: episode })));
      expect(vetting.code).toBe('wrong-episodes');
    });

    it('takes only the asked episode (and its subtitle) out of a season pack', () => {
      expect(vetTorrent(pack, expectation({ media: episode }))).toEqual({ ok: true, selected: [2, 3], mainFiles: [2] });
    });

    it('accepts a season pack for the season, with every subtitle', () => {
      expect(vetTorrent(pack, expectation({ media: season }))).toEqual({ ok: true, selected: [0, 1, 2, 3, 4, 5, 6], mainFiles: [0, 2, 4] });
    });

    it('refuses a pack of another season', () => {
      expect(refusal(vetTorrent(pack, expectation({ media: { ...season, season: 3 } }))).code).toBe('wrong-episodes');
    });

    it('reads the episode from the folder when the file name is obfuscated', () => {
      const vetting = vetTorrent(torrent(['Breaking.Bad.S02E05.720p.HDTV.x264-CTU/a8f3c1.mkv', 400 * MIB]), expectation({ media: episode }));
      expect(vetting).toEqual({ ok: true, selected: [0], mainFiles: [0] });
    });

    it('refuses videos that name no episode at all when one is asked', () => {
      const vetting = refusal(vetTorrent(torrent(['Breaking Bad/video.mkv', 400 * MIB]), expectation({ media: episode })));
      expect(vetting.code).toBe('wrong-episodes');
    });

    it('accepts a multi-episode file holding the asked episode', () => {
      const vetting = vetTorrent(torrent(['Breaking.Bad.S02E05E06.720p.HDTV.x264-CTU.mkv', 800 * MIB]), expectation({ media: episode }));
      expect(vetting).toMatchObject({ ok: true, mainFiles: [0] });
    });

    it('does not judge episodes for a film or an unknown media', () => {
      const files = torrent(['Breaking.Bad.S02E06.720p.HDTV.x264-CTU.mkv', 400 * MIB]);
      expect(vetTorrent(files, expectation({ media: null }))).toMatchObject({ ok: true });
      expect(vetTorrent(files, expectation({ media: MATRIX }))).toMatchObject({ ok: true });
    });
  });
});
