import { sanitizeFilename } from '../client/multipart-body.js';
import type { AttachmentInput } from '../interfaces/attachment-input.interface.js';
import type { Violation } from '../interfaces/violation.interface.js';
import { inspectMedia } from '../media/inspect-media.js';
import type { MediaInfo } from '../media/media-format.js';
import { checkAttachment, largestLimit, type AttachmentRules } from '../media/media-rules.js';
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

/** What to check `input` as; `attachmentType` undefined skips the rules that depend on it. */
type CheckedInput = Omit<AttachmentInput, 'attachmentType' | 'mediaType'> & {
  attachmentType: unknown;
  mediaType: unknown;
};

/** Opens or spools `input`, reads its media facts from the bytes, and checks every rule. */
export async function prepareAttachment(
  input: CheckedInput,
  rules: AttachmentRules,
  temp: TempDirectory,
): Promise<PreparedAttachment> {
  const source = await resolveSource(input as AttachmentInput, {
    temp,
    spoolLimit: largestLimit(rules),
    signal: input.signal,
  });
  try {
    const media = await inspectMedia(source.reader);
    const filename = sanitizeFilename(source.filename);
    const violations = checkAttachment(
      {
        mediaType: input.mediaType,
        attachmentType: input.attachmentType,
        size: source.size,
        sizeExceeded: source.sizeExceeded,
        filename,
        media,
      },
      rules,
    );
    return { source, media, filename, violations };
  } catch (error) {
    await source.dispose();
    throw error;
  }
}
