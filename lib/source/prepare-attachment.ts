import type { AttachmentInput } from '../attachment-input.interface.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import type { Violation } from '../rules/violation.interface.js';
import { inspectMedia } from '../media/inspect-media.js';
import type { MediaInfo } from '../media/media-format.js';
import { largestLimit } from '../rules/attachment-rules.js';
import { checkAttachment, checkAttachmentAsItsBytes } from '../rules/check-attachment.js';
import { sanitizeFilename } from '../rules/filename-rule.js';
import type { Messages } from '../messages/index.js';
import { resolveSource, type AttachmentSource } from './attachment-source.js';
import type { TempDirectory } from './temp-directory.js';

/** A source with what its bytes showed and every rule it breaks. The caller disposes the source. */
export interface PreparedAttachment {
  source: AttachmentSource;
  media: MediaInfo;
  /** The filename as it will go on the wire. */
  filename: string;
  violations: Violation[];
}

/**
 * What to check `input` as. `attachmentType` undefined skips the rules that depend on it;
 * `mediaType` {@link AS_ITS_BYTES} checks the file as what its bytes are.
 */
type CheckedInput = Omit<AttachmentInput, 'attachmentType' | 'mediaType'> & {
  attachmentType: unknown;
  mediaType: unknown;
};

/** Check the file as the media type its bytes show (a FileValidator without a fixed type). */
export const AS_ITS_BYTES = Symbol('as its bytes');

/**
 * Opens or spools `input` (a stream up to `spoolLimit` bytes, by default the largest rule's
 * limit), reads its media facts from the bytes, and checks every rule.
 */
export async function prepareAttachment(
  input: CheckedInput,
  rules: AttachmentRules,
  temp: TempDirectory,
  messages?: Messages,
  spoolLimit = largestLimit(rules),
): Promise<PreparedAttachment> {
  const source = await resolveSource(input as AttachmentInput, {
    temp,
    spoolLimit,
    signal: input.signal,
  });
  try {
    const media = await inspectMedia(source.reader);
    const filename = sanitizeFilename(source.filename);
    const facts = {
      attachmentType: input.attachmentType,
      size: source.size,
      sizeExceeded: source.sizeExceeded,
      filename,
      media,
    };
    const violations =
      input.mediaType === AS_ITS_BYTES
        ? checkAttachmentAsItsBytes(facts, rules, messages)
        : checkAttachment({ ...facts, mediaType: input.mediaType }, rules, messages);
    return { source, media, filename, violations };
  } catch (error) {
    await source.dispose();
    throw error;
  }
}
