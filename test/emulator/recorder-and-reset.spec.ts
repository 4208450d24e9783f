import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { fetchToken, postUpload } from '../helpers/wecom-calls.mjs';

describe('WecomEmulator', () => {
  const s = emulatorSuite({ app: false });

  it('masks access_token and corpsecret in the recorded query, and keeps the token apart', async () => {
    const token = await fetchToken(s.emulator);
    expect((await postUpload(s.emulator, token, makePng(8, 8))).errcode).toBe(0);

    const [gettoken, upload] = s.emulator.requests;
    expect(gettoken?.query).toEqual({ corpid: s.emulator.corpId, corpsecret: '***' });
    expect(upload?.query).toEqual({
      access_token: '***',
      media_type: 'image',
      attachment_type: '1',
    });
    expect(upload?.accessToken).toBe(token);
  });

  it('reset() forgets queued errcodes, resets and raw answers, and random faults', async () => {
    s.emulator
      .failNext('gettoken', 45009)
      .answerNextWith('gettoken', { status: 502, body: 'bad gateway' })
      .resetNext('upload_attachment')
      .failNext('upload_attachment', -1, 2)
      .setFaults({ busyRate: 1 });
    s.emulator.reset();

    const token = await fetchToken(s.emulator);
    expect((await postUpload(s.emulator, token, makePng(8, 8))).errcode).toBe(0);
    expect(s.emulator.requests.map((r) => r.errcode)).toEqual([0, 0]);
  });
});
