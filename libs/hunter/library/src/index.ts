export {
  vetTorrent,
  SAMPLE_MAX_BYTES,
  type TorrentToVet,
  type TorrentFileToVet,
  type TorrentExpectation,
  type TorrentVetting,
  type VettingCode,
} from './lib/torrent-vetting';
export { libraryPathFor, sanitiseName, splitExtension, LibraryNamingError, type LibraryNaming } from './lib/library-naming';
export { resolveInside, resolveInsideAsync, UnsafePathError } from './lib/safe-path';
export {
  importIntoLibrary,
  sha256OfFile,
  LibraryImportError,
  type LibraryImport,
  type ImportedFile,
  type ImportOptions,
} from './lib/library-importer';
export type { WantedMedia } from './lib/wanted-media';
