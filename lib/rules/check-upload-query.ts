import type { AttachmentType } from '../attachment-type.enum.js';
import type { MediaType } from '../media-type.enum.js';
import type { AttachmentRules } from './attachment-rules.interface.js';
import type { Violation } from './violation.interface.js';
import { checkTypes } from './check-attachment.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';

/** A valid upload query, typed. */
export interface UploadQuery {
  mediaType: MediaType;
  attachmentType: AttachmentType;
}

/**
 * Judges `?media_type=…&attachment_type=…` as WeCom names them, by `rules` (the module's, so that
 * an override of `attachmentTypes` holds for the controller as for `check()`): the typed query, or
 * every violation with the values as they were sent.
 */
export function checkUploadQuery(
  query: Readonly<Record<string, unknown>>,
  rules: AttachmentRules,
  messages: Messages = EN_MESSAGES,
): UploadQuery | Violation[] {
  const mediaType = query.media_type;
  const raw = query.attachment_type;
  // Query values are strings: "1" is the attachment type 1; anything else stays as sent.
  const attachmentType = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
  const violations = checkTypes(mediaType, attachmentType ?? null, rules, messages);
  if (violations.length > 0) return violations;
  return { mediaType: mediaType as MediaType, attachmentType: attachmentType as AttachmentType };
}
