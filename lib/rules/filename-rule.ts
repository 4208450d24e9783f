import type { Violation } from './violation.interface.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';

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
