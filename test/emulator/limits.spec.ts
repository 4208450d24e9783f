import { once } from 'node:events';
import { request, type ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WecomEmulator, type WecomEmulatorOptions } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';
import { fetchToken, postUpload, uploadUrl } from '../helpers/wecom-calls.mjs';

const A = { corpId: 'wwlimitcorpa00001', corpSecret: 'secret-a' };
const B = { corpId: 'wwlimitcorpb00002', corpSecret: 'secret-b' };
const PNG = makePng(8, 8);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('WecomEmulator limits: 45009 over perMinute and perHour, 45033 over concurrent', () => {
  let emulator: WecomEmulator | undefined;
  /** A fake clock for the windows: the tests move it instead of waiting. */
  let now = 0;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  const start = async (limits: WecomEmulatorOptions['limits']): Promise<WecomEmulator> => {
    now = 1_700_000_000_000;
    emulator = await WecomEmulator.start({ apps: [A, B], limits: { clock: () => now, ...limits } });
    return emulator;
  };
  const target = (wecom: WecomEmulator, corp: typeof A) => ({ url: wecom.url, ...corp });
  /** Uploads `times` PNGs one after the other with `token`; their errcodes. */
  const uploads = async (wecom: WecomEmulator, token: string, times: number) => {
    const codes: number[] = [];
    for (let i = 0; i < times; i++) codes.push((await postUpload(wecom, token, PNG)).errcode);
    return codes;
  };

  it('refuses a corp the (perMinute + 1)th upload of its window with 45009, stores nothing, and counts it', async () => {
    const wecom = await start({ perMinute: 3 });
    const a = await fetchToken(target(wecom, A));
    expect(await uploads(wecom, a, 5)).toEqual([0, 0, 0, 45009, 45009]);

    const refused = wecom.callsOf('upload_attachment', A.corpId).slice(3);
    expect(refused.map((r) => [r.errcode, r.limitedBy, r.upload, r.mediaId])).toEqual([
      [45009, 'perMinute', undefined, undefined],
      [45009, 'perMinute', undefined, undefined],
    ]);
    const res = await fetch(uploadUrl(wecom, a), { method: 'POST' }); // no body needed to be refused
    expect(await res.json()).toEqual({ errcode: 45009, errmsg: 'api freq out of limit' });
    expect(wecom.limitRefusals('upload_attachment', A.corpId)).toBe(3);
    // What the emulator saw in its busiest minute, refused calls included.
    expect(wecom.peakLoad('upload_attachment', A.corpId)).toEqual({
      perMinute: 6,
      perHour: 6,
      concurrent: 1,
    });

    // Per corp and per API: corp B's uploads and corp A's gettoken have windows of their own.
    const b = await fetchToken(target(wecom, B));
    expect(await uploads(wecom, b, 3)).toEqual([0, 0, 0]);
    await expect(fetchToken(target(wecom, A))).resolves.toEqual(expect.any(String));
    expect(wecom.limitRefusals('upload_attachment', B.corpId)).toBe(0);
    expect(wecom.limitRefusals('gettoken')).toBe(0);
    expect(wecom.peakLoad('gettoken', A.corpId).perMinute).toBe(2);
  });

  it('counts in fixed windows that start at a call: a full window at the end of one and the start of the next is not refused', async () => {
    const wecom = await start({ perMinute: 3 });
    const a = await fetchToken(target(wecom, A));
    const at = async (ms: number, times = 1) => {
      now = 1_700_000_000_000 + ms;
      return uploads(wecom, a, times);
    };
    expect(await at(0)).toEqual([0]); // opens the window [0 s, 60 s)
    expect(await at(30 * SECOND, 2)).toEqual([0, 0]);
    expect(await at(MINUTE - 1)).toEqual([45009]);
    // A new window at 60 s: three more, though a sliding 60 s span would hold five.
    expect(await at(MINUTE, 2)).toEqual([0, 0]);
    expect(await at(MINUTE + SECOND)).toEqual([0]);
    expect(await at(MINUTE + 2 * SECOND)).toEqual([45009]);
    // After a quiet spell the next window starts at the next call (150 s), not on a 60 s grid.
    expect(await at(150 * SECOND, 3)).toEqual([0, 0, 0]);
    expect(await at(150 * SECOND + MINUTE - 1)).toEqual([45009]);
    expect(await at(150 * SECOND + MINUTE)).toEqual([0]);
    expect(wecom.peakLoad('upload_attachment', A.corpId).perMinute).toBe(4);
    expect(wecom.limitRefusals('upload_attachment')).toBe(3);
  });

  it('refuses over perHour with 45009, in hour windows of their own', async () => {
    const wecom = await start({ perHour: 2, perMinute: 10 });
    const a = await fetchToken(target(wecom, A));
    expect(await uploads(wecom, a, 1)).toEqual([0]);
    now += 10 * MINUTE;
    expect(await uploads(wecom, a, 2)).toEqual([0, 45009]);
    expect(wecom.uploads.at(-1)?.limitedBy).toBe('perHour');
    now += 50 * MINUTE; // 60 minutes after the first upload: a new hour window
    expect(await uploads(wecom, a, 1)).toEqual([0]);
    expect(wecom.peakLoad('upload_attachment', A.corpId)).toMatchObject({
      perMinute: 2,
      perHour: 3,
    });
  });

  it('does not count a call one window refused against the other', async () => {
    const wecom = await start({ perMinute: 2, perHour: 3 });
    const a = await fetchToken(target(wecom, A));
    expect(await uploads(wecom, a, 3)).toEqual([0, 0, 45009]);
    now += MINUTE;
    // The hour window took two calls: the minute's refusal left it one more.
    expect(await uploads(wecom, a, 2)).toEqual([0, 45009]);
    expect(wecom.uploads.map((r) => r.limitedBy)).toEqual([
      undefined,
      undefined,
      'perMinute',
      undefined,
      'perHour',
    ]);
  });

  it('refuses a call beyond `concurrent` in flight at once with 45033, and frees a slot once a call is answered', async () => {
    const wecom = await start({ concurrent: 2 });
    const a = await fetchToken(target(wecom, A));
    const { body, contentType } = buildMultipart(PNG, 'photo.png', 'image/png');
    const url = uploadUrl(wecom, a);
    /** An upload whose body is only half sent: in flight until `finish`. */
    const halfSent = async (): Promise<{ finish: () => Promise<number> }> => {
      const arrived = once(wecom, 'arrival');
      const req: ClientRequest = request(url, {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': body.length },
      });
      const answered = once(req, 'response').then(async ([res]) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        return (JSON.parse(Buffer.concat(chunks).toString()) as { errcode: number }).errcode;
      });
      req.write(body.subarray(0, 100));
      await arrived;
      return {
        finish: () => {
          req.end(body.subarray(100));
          return answered;
        },
      };
    };
    const first = await halfSent();
    const second = await halfSent();
    const third = await postUpload(wecom, a, PNG);
    expect(third).toMatchObject({ errcode: 45033, errmsg: 'api concurrent out of limit' });
    expect(wecom.uploads.at(-1)).toMatchObject({ errcode: 45033, limitedBy: 'concurrent' });
    expect(await first.finish()).toBe(0);
    expect((await postUpload(wecom, a, PNG)).errcode).toBe(0); // the first one's slot
    expect(await second.finish()).toBe(0);
    expect(wecom.limitRefusals('upload_attachment', A.corpId)).toBe(1);
    expect(wecom.peakLoad('upload_attachment', A.corpId).concurrent).toBe(3);
  });

  it('frees a slot when the client leaves before the answer', async () => {
    const wecom = await start({ concurrent: 1 });
    const a = await fetchToken(target(wecom, A));
    const { body, contentType } = buildMultipart(PNG, 'photo.png', 'image/png');
    const arrived = once(wecom, 'arrival');
    const req = request(uploadUrl(wecom, a), {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': body.length },
    });
    req.on('error', () => undefined); // destroyed below
    req.write(body.subarray(0, 100));
    await arrived;
    const left = wecom.waitFor((r) => r.closedByClient === true);
    req.destroy();
    await left;
    expect((await postUpload(wecom, a, PNG)).errcode).toBe(0);
  });

  it('tells its own refusals from injected 45009s, and reset() clears windows, refusals and peaks', async () => {
    const wecom = await start({ perMinute: 1 });
    const a = await fetchToken(target(wecom, A));
    expect(await uploads(wecom, a, 2)).toEqual([0, 45009]);
    wecom.reset();
    expect(wecom.limitRefusals()).toBe(0);
    expect(wecom.peakLoad()).toEqual({ perMinute: 0, perHour: 0, concurrent: 0 });
    const token = await fetchToken(target(wecom, A)); // reset() forgot the tokens too
    wecom.failNext('upload_attachment', 45009);
    // The injected answer is a call WeCom saw: it fills the window of one.
    expect(await uploads(wecom, token, 2)).toEqual([45009, 45009]);
    expect(wecom.uploads.map((r) => r.limitedBy)).toEqual([undefined, 'perMinute']);
    expect(wecom.limitRefusals('upload_attachment')).toBe(1);
  });

  it('counts peak load without limits, and refuses nothing', async () => {
    const wecom = await start({}); // the fake clock only
    const a = await fetchToken(target(wecom, A));
    expect(await uploads(wecom, a, 4)).toEqual([0, 0, 0, 0]);
    expect(wecom.peakLoad('upload_attachment')).toEqual({
      perMinute: 4,
      perHour: 4,
      concurrent: 1,
    });
    expect(wecom.limitRefusals()).toBe(0);
  });
});
