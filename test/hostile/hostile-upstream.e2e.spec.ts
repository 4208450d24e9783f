import { beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomProtocolError,
  WecomTimeoutError,
} from '../../lib/index.js';
import type { RawAnswer } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const png = makePng(16, 16);

describe('hostile upstream answers become typed errors', () => {
  const s = emulatorSuite({ app: { timeoutMs: 300 } });
  beforeEach(() => upload()); // fetch the token first

  const upload = () =>
    s.app.service.upload({
      file: png,
      filename: 'a.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
    });

  const cases: Array<[string, RawAnswer, string]> = [
    [
      'an HTML 502 page',
      { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      'an HTML page',
    ],
    ['invalid JSON', { status: 200, body: '{"errcode":0,"media_id":' }, 'invalid JSON'],
    ['an empty body', { status: 200, body: '' }, 'an empty body'],
    [
      '200 without media_id',
      { status: 200, body: '{"errcode":0,"errmsg":"ok","type":"image"}' },
      'a success answer without media_id',
    ],
    ['a JSON array', { status: 200, body: '[1,2,3]' }, 'JSON that is not an object'],
    ['a non-numeric errcode', { status: 200, body: '{"errcode":"oops"}' }, 'a non-numeric errcode'],
  ];
  it.each(cases)('%s', async (_what, answer, reason) => {
    s.emulator.answerNextWith('upload_attachment', answer);
    const error = await upload().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomProtocolError);
    expect(error).toMatchObject({
      reason,
      status: answer.status,
      api: '/cgi-bin/media/upload_attachment',
    });
  });

  it('a response that never ends is a timeout', async () => {
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: '{"errcode":0,"media_id":"x',
      hang: true,
    });
    await expect(upload()).rejects.toBeInstanceOf(WecomTimeoutError);
  });

  it('an errcode sent as a string is still understood', async () => {
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: '{"errcode":"40004","errmsg":"invalid media type"}',
    });
    await expect(upload()).rejects.toMatchObject({ name: 'WecomApiError', errcode: 40004 });
  });

  it('an errmsg that echoes the token is masked', async () => {
    const token = s.emulator.issuedTokens[0] ?? '';
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: JSON.stringify({ errcode: 40004, errmsg: `bad request access_token=${token}` }),
    });
    const error = (await upload().catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(token);
    expect(error.message).toContain('access_token=***');
  });

  it('gettoken answering success without access_token is a protocol error, not a plain Error', async () => {
    s.emulator.expireTokens();
    s.emulator.answerNextWith('gettoken', { status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const error = await upload().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomProtocolError);
    expect(error).toMatchObject({
      api: '/cgi-bin/gettoken',
      status: 200,
      reason: 'a success answer without access_token',
    });
  });

  const aYearAhead = Math.floor(Date.now() / 1000) + 300 * 86_400;
  it.each(['1e13', '-5', '1e9', String(aYearAhead), '"NaN"', '"soon"', '"0x6553F100"'])(
    'created_at %s gives the time of the answer, never an invalid date',
    async (createdAt) => {
      s.emulator.answerNextWith('upload_attachment', {
        status: 200,
        body: `{"errcode":0,"type":"image","media_id":"MID-1","created_at":${createdAt}}`,
      });
      const before = Date.now();
      const result = await upload();
      const after = Date.now();
      expect(result.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(result.createdAt.getTime()).toBeLessThanOrEqual(after);
      expect(result.expiresAt.getTime() - result.createdAt.getTime()).toBe(3 * 86_400_000);
      const warnings = s.app.logs.lines.filter((l) => l.includes('that is no time near now'));
      expect(warnings).toHaveLength(1);
    },
  );

  it('warns about an invalid created_at once, not once per upload', async () => {
    for (let i = 0; i < 3; i++) {
      s.emulator.answerNextWith('upload_attachment', {
        status: 200,
        body: '{"errcode":0,"type":"image","media_id":"MID-1","created_at":-1}',
      });
      await upload();
    }
    expect(s.app.logs.lines.filter((l) => l.includes('that is no time near now'))).toHaveLength(1);
  });

  it('never quotes an invalid created_at in its warning: it is upstream text', async () => {
    const token = s.emulator.issuedTokens[0] ?? '';
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: JSON.stringify({ errcode: 0, type: 'image', media_id: 'MID-1', created_at: token }),
    });
    await upload();
    expect(s.app.logs.text).toContain('that is no time near now');
    expect(s.app.logs.text).not.toContain(token.slice(0, 16));
  });
});
