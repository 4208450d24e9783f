import { describe, expect, it } from 'vitest';
import { SecretRedactor, WITHHELD } from '../../lib/client/secret-redactor.js';

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

  it('never forgets a token while it can be echoed, however many corps use theirs at once', () => {
    let now = 0;
    const r = new SecretRedactor(() => now);
    const tokens = Array.from({ length: 500 }, (_, i) => `token-of-corp-${i}-${'x'.repeat(20)}`);
    for (const token of tokens) r.addToken(token);
    // An hour and a half on, another corp's token comes: all 500 still live (tokens live 2 h).
    now += 90 * 60 * 1000;
    r.addToken('token-of-a-late-corp-xxxxxxxxxxxxxxxxxxxx');
    expect(tokens.every((token) => r.redact(`echo ${token}`) === 'echo ***')).toBe(true);
    // Long after their last use (more than a token lives), they are let go.
    now += 4 * 60 * 60 * 1000;
    r.addToken('token-of-the-next-corp-xxxxxxxxxxxxxxxxxxxx');
    expect(r.redact(`echo ${tokens[0]}`)).not.toContain('***');
    expect(r.redact('echo token-of-the-next-corp-xxxxxxxxxxxxxxxxxxxx')).toBe('echo ***');
  });

  const shapes2: Array<[string, (v: string) => string]> = [
    ['split in two by other words', (v) => `a ${v.slice(0, 32)} and then ${v.slice(32)} b`],
    ['case-folded', (v) => `token ${v.toUpperCase()}`],
    ['base64', (v) => `b64 ${Buffer.from(`access_token=${v}`).toString('base64')}`],
    ['hex', (v) => `hex de${Buffer.from(v).toString('hex')}`],
    ['HTML entities', (v) => `html ${[...v].map((c) => `&#${c.charCodeAt(0)};`).join('')}`],
    [
      'hex HTML entities',
      (v) => `html ${[...v].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')}`,
    ],
    ['double %-encoded', (v) => `twice ${percentEncodeAll(percentEncodeAll(v))}`],
    ['with zero-width spaces', (v) => `zw ${[...v].join('\u200b')}`],
    ['with spaces between its letters', (v) => `spaced ${[...v].join(' ')}`],
  ];
  for (const [shape, echo] of shapes2) {
    it(`withholds a text echoing the token ${shape}`, () => {
      const out = redactor().redact(echo(TOKEN));
      expect(out).toBe(WITHHELD);
    });
    it(`withholds a text echoing the secret ${shape}`, () => {
      const long = 'Ab3xYz9QwErTy7UiOp1AsDfGh2JkLzXcVbNm4Q5wE6rT7yU8';
      const r = new SecretRedactor();
      r.addSecret(long);
      expect(r.redact(echo(long))).toBe(WITHHELD);
    });
  }

  it('keeps an errmsg that merely shares a few letters with a credential', () => {
    const r = redactor();
    const errmsg =
      'invalid media type, hint: [Fz3d_KQ], more info at https://open.work.weixin.qq.com';
    expect(r.redact(errmsg)).toBe(errmsg);
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
