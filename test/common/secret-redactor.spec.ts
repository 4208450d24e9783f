import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../lib/client/secret-redactor.js';

// A token as WeCom issues them (base64url), and a secret with characters that change when encoded.
const TOKEN = 'Fz3d_KQ-8xY2mPq7Lw0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEFGH';
const SECRET = 'pa ss/wo+rd&secret=春';

function redactor(): SecretRedactor {
  const r = new SecretRedactor();
  r.addSecret(SECRET);
  r.addToken(TOKEN);
  return r;
}

describe('SecretRedactor', () => {
  const shapes: Array<[string, string]> = [
    ['a query parameter', `invalid access_token=${TOKEN}, hint: [x]`],
    ['a colon', `access_token: ${TOKEN} is invalid`],
    ['JSON', JSON.stringify({ errmsg: 'bad', access_token: TOKEN })],
    ['upper-case percent-encoding of every byte', percentEncodeAll(TOKEN)],
    ['lower-case percent-encoding of every byte', percentEncodeAll(TOKEN).toLowerCase()],
    [
      'JSON \\u escapes',
      JSON.stringify(TOKEN).replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
    ],
    ['the secret as is', `corpsecret: ${SECRET}`],
    ['the secret percent-encoded', `corpsecret=${encodeURIComponent(SECRET)}`],
    [
      'the secret form-encoded (+ for space)',
      new URLSearchParams({ corpsecret: SECRET }).toString(),
    ],
    ['the secret JSON-escaped', JSON.stringify({ corpsecret: SECRET }).replace('春', '\\u6625')],
  ];
  it.each(shapes)('redacts %s', (_shape, text) => {
    const out = redactor().redact(text);
    expect(out).toContain('***');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(SECRET);
    expect(decodeEverything(out)).not.toContain(TOKEN);
    expect(decodeEverything(out)).not.toContain(SECRET);
  });

  it('leaves other text alone', () => {
    expect(redactor().redact('errcode 40004: invalid media type, hint: [abc]')).toBe(
      'errcode 40004: invalid media type, hint: [abc]',
    );
  });

  it('masks token parameters it never saw, too', () => {
    expect(new SecretRedactor().redact('/x?access_token=abc.DEF-1&media_type=image')).toBe(
      '/x?access_token=***&media_type=image',
    );
  });

  it('remembers a bounded number of tokens, the newest first', () => {
    const r = new SecretRedactor();
    for (let i = 0; i < 100; i++) r.addToken(`token-number-${i}-abcdefgh`);
    expect(r.redact('token-number-99-abcdefgh')).toBe('***');
    expect(r.redact('token-number-0-abcdefgh')).toBe('token-number-0-abcdefgh');
  });
});

function percentEncodeAll(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** Every encoding undone, so that a half-redacted value would show. */
function decodeEverything(text: string): string {
  let out = text.replace(/\\u([0-9a-f]{4})/gi, (_, h: string) =>
    String.fromCharCode(parseInt(h, 16)),
  );
  try {
    out = decodeURIComponent(out.replace(/\+/g, ' '));
  } catch {
    // not percent-encoded
  }
  return out;
}
