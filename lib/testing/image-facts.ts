// The emulator reads an uploaded image's format and size itself, from the first bytes, so that
// it can hold uploads to upload_attachment's image rules without the library's own inspector.

/** What the emulator reads of an image: JPEG or PNG with its size, or neither. */
export type ImageFacts = { format: 'jpeg' | 'png'; width: number; height: number } | undefined;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The format and size of a PNG (its IHDR) or a JPEG (its first start-of-frame). */
export function imageFacts(bytes: Buffer): ImageFacts {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // SOF0–SOF15, without DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      if (at + 9 > bytes.length) return undefined;
      return {
        format: 'jpeg',
        height: bytes.readUInt16BE(at + 5),
        width: bytes.readUInt16BE(at + 7),
      };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // no frame before the scan
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}
