/**
 * Names Windows (and an SMB share served to it) reserves for devices, whatever follows the
 * first dot: `NUL.mkv` opens the null device. Trailing dots and spaces do not help (Windows
 * drops them), nor do superscript digits (`COM¹`).
 */
const DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)[ ]*(?:\.|$)/i;

export function isWindowsDeviceName(segment: string): boolean {
  return DEVICE_NAME.test(segment.replace(/[. ]+$/, ''));
}

/** UTF-8 length: what file systems limit (255 bytes per name, 4096 per path on Linux). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4096;
