import { describe, expect, it } from 'vitest';
import { sanitizeFilename } from '../../lib/client/multipart-body.js';
import { checkFilename } from '../../lib/rules/check-attachment.js';

describe('sanitizeFilename', () => {
  it.each([
    ['quotes', 'a"b".png', "a'b'.png"],
    ['CR, LF and NUL', 'a\r\nb\0c.png', 'a  b c.png'],
    ['DEL and C1 controls (U+0080–U+009F)', 'a\u007fb\u0085c\u009bd\u0080.png', 'a b c d .png'],
    ['path separators', '../etc/passwd\\x.png', '.._etc_passwd_x.png'],
    ['direction overrides', 'photo\u202egnp.exe', 'photognp.exe'],
    ['nothing else', '新品 春季🌸-主图.png', '新品 春季🌸-主图.png'],
    ['Latin-1 letters next to the C1 range', 'café ÿ.png', 'café ÿ.png'],
  ])('neutralises %s', (_, input, output) => {
    expect(sanitizeFilename(input)).toBe(output);
  });
});

describe('checkFilename', () => {
  it('an empty name and a name over the limit are two different failures', () => {
    expect(checkFilename('   ', 255).map((v) => v.rule)).toEqual(['filename-empty']);
    expect(checkFilename('名'.repeat(86), 255)).toEqual([
      {
        rule: 'filename-length',
        message:
          'filenames may be at most 255 bytes of UTF-8; this one is 258 bytes: shorten it (255 bytes hold about 85 Chinese characters)',
        limit: 255,
        actual: 258,
      },
    ]);
    expect(checkFilename('名'.repeat(85), 255)).toEqual([]);
  });
});
