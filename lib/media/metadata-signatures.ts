/**
 * Strings that mark EXIF or XMP wherever they are: a segment or chunk that is not where EXIF or
 * XMP belongs but carries them (one whose marker or type byte was damaged, a Photoshop resource
 * block, a text chunk holding ImageMagick's hex profile) is dropped rather than sent unread.
 * One regular expression, so that a segment is scanned once: this runs on every segment sent.
 */
const MARKS = new RegExp(
  [
    '(Exif|EXIF|exif)\\0', // an EXIF header, its "Exif" damaged or not
    '8BIM\\x04\\x22', // Photoshop image resource 0x0422: EXIF
    // ImageMagick's hex profiles; "iptc" may be a Photoshop resource block, EXIF and all.
    'Raw profile type (exif|APP1|8bim|iptc)',
    '(?<xmp>http://ns\\.adobe\\.com/(xap/1\\.0|xmp/extension)/|XML:com\\.adobe\\.xmp|' +
      'Raw profile type xmp|<x:xmpmeta|<\\?xpacket|adobe:ns:meta)',
  ].join('|'),
);

/** A TIFF header, as EXIF starts: "II*\0" or "MM\0*", within a segment's first 16 bytes. */
const TIFF_HEADER = /II\*\0|MM\0\*/;
const TIFF_HEADER_WITHIN = 16;
/** Segments that are TIFF-shaped and not EXIF: MPF's APP2 (CIPA DC-007), Kodak's APP3 "Meta". */
const TIFF_SHAPED = /^(MPF|Meta|META)\0/;

/**
 * Which metadata `bytes` (a segment's or chunk's data) seem to carry: `'exif'` for an EXIF or TIFF
 * header (near the start, but for MPF's and Kodak's; past a damaged "Exif\0\0") or a Photoshop EXIF resource,
 * `'xmp'` for an XMP packet or its namespace, else undefined.
 */
export function carriedMetadata(bytes: Uint8Array): 'exif' | 'xmp' | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const head = text.slice(0, TIFF_HEADER_WITHIN + 3);
  if (!TIFF_SHAPED.test(head) && TIFF_HEADER.test(head)) return 'exif';
  const mark = MARKS.exec(text);
  if (mark === null) return undefined;
  return mark.groups?.['xmp'] === undefined ? 'exif' : 'xmp';
}
