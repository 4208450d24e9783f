import type { Violation } from './violation.interface.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';

/** Unicode bidirectional controls: they can make "gpj.exe" read as "exe.jpg". */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
/** C0 controls, DEL and C1 controls (U+0080–U+009F): none belongs in a name users read. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The filename as it goes on the wire: raw UTF-8 (never percent-encoded, never `filename*=`, which
 * WeCom shows literally), with what could break the header or mislead a reader neutralised:
 * quotes become apostrophes, control characters (CR, LF, NUL, C1…) become spaces, path separators
 * become underscores, and direction overrides are dropped.
 */
export function sanitizeFilename(name: string): string {
  return name
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROL_CHARS, ' ')
    .replace(/"/g, "'")
    .replace(/[\\/]/g, '_')
    .trim();
}

/** Strips control characters from a header value we did not write (a part's Content-Type). */
export function stripControls(value: string): string {
  return value.replace(CONTROL_CHARS, '');
}

/** The filename rules, on the name as it will be sent. */
export function checkFilename(
  filename: string,
  maxBytes: number,
  messages: Messages = EN_MESSAGES,
): Violation[] {
  if (filename.trim() === '') {
    return [{ rule: 'filename-empty', message: messages.filenameEmpty(), actual: 0 }];
  }
  const bytes = Buffer.byteLength(filename);
  if (bytes <= maxBytes) return [];
  return [
    {
      rule: 'filename-length',
      message: messages.filenameLength(maxBytes, bytes),
      limit: maxBytes,
      actual: bytes,
    },
  ];
}
