import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { parseMultipart } from '../../lib/testing/multipart-parser.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';

// WeCom reads the part's headers as UTF-8 bytes: the recorded Content-Disposition shows a Chinese
// filename as it is, next to `filename`, not as latin1 mojibake (æ\u0098¥å­£…).
describe("the emulator's recorded Content-Disposition", () => {
  const s = emulatorSuite();

  it('shows a Chinese filename as the UTF-8 the module sent', async () => {
    const name = '春季新品.png';
    await s.app.service.upload({
      file: makePng(8, 8),
      filename: name,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
    });
    const upload = s.emulator.uploads[0]?.upload;
    expect(upload?.filename).toBe(name);
    expect(upload?.disposition).toContain(`filename="${name}"`);
    expect(upload?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
  });

  it('the parser decodes the header line as UTF-8 too, and keeps the raw filename bytes', () => {
    const name = '新品 春季🌸.png';
    const { body, contentType } = buildMultipart(makePng(4, 4), name, 'image/png');
    const boundary = /boundary=(\S+)/.exec(contentType)?.[1] ?? '';
    const parts = parseMultipart(body, boundary);
    if (typeof parts === 'string') throw new Error(parts);
    expect(parts[0]?.disposition).toContain(name);
    expect(parts[0]?.params.filename).toBe(name);
    expect(parts[0]?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
  });
});
