import type { ByteReader } from './byte-reader.js';
import type { LocationCut } from './cut-plan.js';
import { planJpegCut } from './jpeg-location.js';
import type { MediaFormat } from './media-format.js';
import { planPngCut } from './png-location.js';

export type { BodyPiece, LocationCut, RemovedMetadata } from './cut-plan.js';

/**
 * Plans how to send a photo without its location: the EXIF GPS IFD, XMP GPS properties and the
 * camera's serial number go (PIPL counts a precise location as sensitive personal information);
 * orientation, make, model, dates, the ICC profile and all else stay. Reads only the metadata (a
 * few small reads for a phone photo); the image data is passed on as ranges of the original,
 * never read or copied, and only the segments or chunks that change become new bytes.
 *
 * Never throws for bad bytes and never sends a location it could not walk past: a block it
 * cannot walk safely is dropped whole, and a file whose structure breaks off is sent only up to
 * the break (the segment or chunk before it excluded, as its length may be the lie). A file that
 * does not even start as `format` says breaks off at its first byte: the cut is empty.
 *
 * @returns undefined when there is nothing to remove, so the file goes byte for byte, and for
 * formats other than JPEG and PNG.
 */
export async function planLocationCut(
  reader: ByteReader,
  format: MediaFormat,
): Promise<LocationCut | undefined> {
  switch (format) {
    case 'jpeg':
      return planJpegCut(reader);
    case 'png':
      return planPngCut(reader);
    default:
      return undefined;
  }
}
