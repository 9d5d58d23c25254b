import { createHash } from 'node:crypto';

/** A .torrent that cannot be read: not bencode, or no `info` dictionary. */
export class InvalidTorrentFileError extends Error {
  constructor(detail: string) {
    super(`not a valid .torrent file: ${detail}`);
    this.name = 'InvalidTorrentFileError';
  }
}

const MAX_DEPTH = 64;

/**
 * The v1 info-hash of a .torrent: SHA-1 of the bencoded `info` dictionary exactly as stored
 * (re-encoding could reorder keys and change the hash). A minimal bencode walker that only
 * finds where each value ends, bounded in depth, so hostile input costs at most one pass.
 */
export function infoHashOfTorrentFile(data: Buffer): string {
  let info: { start: number; end: number } | undefined;

  const skip = (at: number, depth: number, topLevel: boolean): number => {
    if (depth > MAX_DEPTH) throw new InvalidTorrentFileError('nested too deeply');
    const byte = data[at];
    if (byte === undefined) throw new InvalidTorrentFileError('truncated');
    if (byte === 0x69 /* i */) {
      const end = data.indexOf(0x65 /* e */, at);
      if (end < 0 || !/^-?\d+$/.test(data.subarray(at + 1, end).toString('latin1'))) throw new InvalidTorrentFileError('bad integer');
      return end + 1;
    }
    if (byte === 0x6c /* l */ || byte === 0x64 /* d */) {
      let cursor = at + 1;
      while (data[cursor] !== 0x65) {
        if (data[cursor] === undefined) throw new InvalidTorrentFileError('truncated');
        if (byte === 0x64) {
          const keyStart = cursor;
          cursor = skip(cursor, depth + 1, false);
          const key = readString(keyStart);
          const valueStart = cursor;
          cursor = skip(cursor, depth + 1, false);
          if (topLevel && key === 'info') info = { start: valueStart, end: cursor };
        } else {
          cursor = skip(cursor, depth + 1, false);
        }
      }
      return cursor + 1;
    }
    if (byte >= 0x30 && byte <= 0x39) {
      const colon = data.indexOf(0x3a /* : */, at);
      const length = Number(data.subarray(at, colon).toString('latin1'));
      if (colon < 0 || !Number.isSafeInteger(length) || colon + 1 + length > data.length) throw new InvalidTorrentFileError('bad string');
      return colon + 1 + length;
    }
    throw new InvalidTorrentFileError(`unexpected byte 0x${byte.toString(16)} at ${at}`);
  };

  const readString = (at: number): string => {
    const colon = data.indexOf(0x3a, at);
    return data.subarray(colon + 1, colon + 1 + Number(data.subarray(at, colon).toString('latin1'))).toString('latin1');
  };

  if (data[0] !== 0x64) throw new InvalidTorrentFileError('not a dictionary');
  const end = skip(0, 0, true);
  if (end !== data.length) throw new InvalidTorrentFileError('trailing bytes');
  if (!info || data[info.start] !== 0x64) throw new InvalidTorrentFileError('no info dictionary');
  return createHash('sha1').update(data.subarray(info.start, info.end)).digest('hex');
}
