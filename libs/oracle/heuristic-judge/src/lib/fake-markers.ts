/**
 * Signs in a release's name that it is not a video at all: a program dressed as a film, an
 * archive that wants a password, a "codec pack" to install first. Read on the name as the
 * indexer gives it, before parsing, because the parser reads past them (it takes a trailing
 * `.scr` for a screener, for one).
 *
 * The torrent's file list, once known, is vetted again by the hunter (`vetTorrent`): this is
 * the cheap first look, on the name alone.
 */

/** Program extensions that open as something that runs, wherever they appear in the name. */
const PROGRAM = /\.(exe|msi|bat|pif|vbs|lnk)(?![\p{L}\p{N}])/iu;
/**
 * `.scr` is a Windows screensaver, a program; `SCR` is also the scene's tag for a screener.
 * Only a lower-case `.scr` ending the name, or one after a video extension, is taken for a program.
 */
const SCREENSAVER = /\.scr$/u;
const VIDEO_THEN_SCREENSAVER = /\.(mkv|mp4|avi|m4v|wmv|mov)\.scr$/iu;
/** A film or an episode is never published as an archive to unpack; `RARBG` is not `.rar`. */
const ARCHIVE = /\.(zip|rar|7z)(?![\p{L}\p{N}])/iu;
const PASSWORD = /(?<![\p{L}\p{N}])passw(or)?d(s|ed)?(?![\p{L}\p{N}])/iu;
const CODEC = /(?<![\p{L}\p{N}])(codecs?[\s._-]*(pack|required|needed|installer|install|download)|(install|download)[\s._-]*(the[\s._-]*)?codecs?)(?![\p{L}\p{N}])/iu;
/** Right-to-left overrides and isolates turn `.\u202Eexe.mkv` into what reads `.vkm.exe`, and back. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/** One sentence per sign found, in a fixed order; empty when none is. */
export function fakeMarkers(title: string): string[] {
  const name = title.trim();
  const found: string[] = [];
  const program = PROGRAM.exec(name);
  if (program !== null) {
    found.push(`The name contains "${program[0]}": a program or a shortcut, not a video; a classic fake.`);
  } else if (SCREENSAVER.test(name) || VIDEO_THEN_SCREENSAVER.test(name)) {
    found.push('The name ends in ".scr": a Windows screensaver, which is a program, not a video; a classic fake.');
  }
  const archive = ARCHIVE.exec(name);
  if (archive !== null) found.push(`The name contains "${archive[0]}": films and episodes are not published as archives to unpack.`);
  if (PASSWORD.test(name)) found.push('The name mentions a password: archives that ask for one are bait for a paid "key".');
  if (CODEC.test(name)) found.push('The name asks for a codec to be installed: that "codec" is the payload of a fake.');
  if (BIDI_CONTROL.test(name)) found.push('The name holds a bidirectional control character, which can disguise a program\'s extension.');
  return found;
}
