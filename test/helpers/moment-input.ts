import { AttachmentType, MediaType, type AttachmentInput } from '../../lib/index.js';
import { makePng } from './media-bytes.mjs';

/** A small PNG that passes the moments rules. */
export const png = makePng(120, 80);

/** An upload of `png` for moments, with `over` laid on top. */
export const input = (over: Partial<AttachmentInput> = {}): AttachmentInput =>
  ({
    file: png,
    filename: 'product.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.Moment,
    ...over,
  }) as AttachmentInput;
