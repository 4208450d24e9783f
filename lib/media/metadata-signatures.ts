/**
 * Strings that mark EXIF or XMP wherever they are: a segment or chunk that is not where EXIF or
 * XMP belongs but carries them (one whose marker or type byte was damaged, a Photoshop resource
 * block, a text chunk holding ImageMagick's hex profile) is dropped rather than sent unread.
 */
const EXIF_MARKS = [
  'Exif\0',
  'EXIF\0',
  'exif\0',
  '8BIM\x04\x22', // Photoshop image resource 0x0422: EXIF
  'Raw profile type exif',
  'Raw profile type APP1',
  'Raw profile type 8bim',
  'Raw profile type iptc', // ImageMagick's "iptc" may be a Photoshop resource block, EXIF and all
].map((mark) => Buffer.from(mark, 'latin1'));

const XMP_MARKS = [
  'http://ns.adobe.com/xap/1.0/',
  'http://ns.adobe.com/xmp/extension/',
  'XML:com.adobe.xmp',
  'Raw profile type xmp',
  '<x:xmpmeta',
  '<?xpacket',
  'adobe:ns:meta',
].map((mark) => Buffer.from(mark, 'latin1'));

/** A TIFF header, as EXIF starts: "II*\0" or "MM\0*". */
const TIFF_HEADERS = [Buffer.from('II*\0', 'latin1'), Buffer.from('MM\0*', 'latin1')];
/** How far into a segment or chunk a TIFF header is looked for: past a damaged "Exif\0\0". */
const TIFF_HEADER_WITHIN = 16;
/** The one segment that is TIFF-shaped and not EXIF: the Multi-Picture Format's APP2 (CIPA DC-007). */
const MPF = Buffer.from('MPF\0', 'latin1');

/**
 * Which metadata `bytes` (a segment's or chunk's data) seem to carry: `'exif'` for an EXIF or TIFF
 * header (near the start, MPF's aside) or a Photoshop EXIF resource, `'xmp'` for an XMP packet or
 * its namespace, else undefined.
 */
export function carriedMetadata(bytes: Uint8Array): 'exif' | 'xmp' | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const head = view.subarray(0, TIFF_HEADER_WITHIN + 3);
  if (!head.subarray(0, 4).equals(MPF) && TIFF_HEADERS.some((h) => head.includes(h))) return 'exif';
  if (EXIF_MARKS.some((mark) => view.includes(mark))) return 'exif';
  if (XMP_MARKS.some((mark) => view.includes(mark))) return 'xmp';
  return undefined;
}
