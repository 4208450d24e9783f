import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttachmentRuleError, AttachmentType, MediaType } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const png = makePng(16, 16);

describe('hostile filenames: each gives one well-formed part', () => {
  const s = emulatorSuite();

  const cases: Array<[string, string, string]> = [
    ['quotes', 'say "cheese".png', "say 'cheese'.png"],
    [
      'CR/LF header injection',
      'a.png"\r\nContent-Type: text/html\r\n\r\n<script>',
      "a.png'  Content-Type: text_html    <script>",
    ],
    ['NUL bytes', 'evil\0.png\0.exe', 'evil .png .exe'],
    ['C1 controls (NEL, CSI)', 'line\u0085break\u009b31m.png', 'line break 31m.png'],
    ['path separators', '../../etc/passwd/..\\windows\\x.png', '.._.._etc_passwd_.._windows_x.png'],
    ['Unicode direction overrides', 'invoice\u202egnp.exe', 'invoicegnp.exe'],
    ['isolates and marks', '\u2066report\u2069\u200f.png', 'report.png'],
  ];

  it.each(cases)('%s', async (_what, name, expected) => {
    await s.app.service.upload({
      file: png,
      filename: name,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    const [request] = s.emulator.uploads;
    expect(request?.errcode).toBe(0);
    expect(request?.upload?.partCount).toBe(1);
    expect(request?.upload?.filename).toBe(expected);
    expect(request?.upload?.filelength).toBe(png.length);
    expect(request?.upload?.disposition).not.toMatch(/[\r\n\0\u202e]/);
    expect(request?.upload?.sha256).toBe(createHash('sha256').update(png).digest('hex'));
  });

  it('a 1 KB filename is a rule violation, and nothing is sent', async () => {
    const error = await s.app.service
      .upload({
        file: png,
        filename: `${'名'.repeat(340)}.png`,
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations).toEqual([
      {
        rule: 'filename-length',
        message:
          'filenames may be at most 255 bytes of UTF-8; this one is 1024 bytes: shorten it (255 bytes hold about 85 Chinese characters)',
        limit: 255,
        actual: 1024,
      },
    ]);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a name that is nothing but controls is empty after neutralising: a violation', async () => {
    const violations = await s.app.service.check({
      file: png,
      filename: '\u202e\u202d',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    expect(violations.map((v) => v.rule)).toEqual(['filename-empty']);
  });
});
