import { once } from 'node:events';
import { request, type ClientRequest } from 'node:http';
import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite, type EmulatorSuiteContext } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';

const png = makePng(40, 30);
const PATH = '/wecom/attachments?media_type=image&attachment_type=1';
/** The promise: a leaving client's spooled file is gone within a second. */
const GONE_WITHIN_MS = 1_000;

/** Sends a whole multipart upload of `png` and returns the request, to be dropped by the test. */
function sendUpload(url: string): ClientRequest {
  const { body, contentType } = buildMultipart(png, 'leave.png', 'image/png');
  const req = request(`${url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'content-length': body.length },
  });
  req.on('error', () => undefined); // dropped on purpose
  req.end(body);
  return req;
}

/** Uploads once, so that the token is fetched and the next WeCom call is the upload itself. */
async function warmUp(s: EmulatorSuiteContext): Promise<void> {
  expect((await supertest(s.http.url).post(PATH).attach('media', png, 'warm.png')).status).toBe(
    201,
  );
}

const spoolGone = (s: EmulatorSuiteContext): Promise<void> =>
  vi.waitFor(async () => expect(await s.http.leftovers()).toEqual([]), {
    timeout: GONE_WITHIN_MS,
    interval: 10,
  });

const successes = (emulator: WecomEmulator): number =>
  emulator.uploads.filter((u) => u.errcode === 0).length;

describe('a client that leaves stops the WeCom call it started', () => {
  const s = emulatorSuite({ http: true });

  it('after sending its whole body, while the module calls a slow WeCom', async () => {
    await warmUp(s);
    // Far longer than the test may take: only the module's abort can end this call in time.
    s.emulator.setDelay(600_000);
    const calling = once(s.emulator, 'arrival'); // the module has begun its upload to WeCom
    const req = sendUpload(s.http.url);
    await calling;
    req.destroy();

    // WeCom saw the upload's connection close before it answered: nothing was stored there.
    const abandoned = await s.emulator.waitFor(
      (r) => r.api === 'upload_attachment' && r.closedByClient === true,
    );
    expect(abandoned.errcode).toBeUndefined();
    expect(abandoned.mediaId).toBeUndefined();
    await spoolGone(s);
    expect(successes(s.emulator)).toBe(1); // the warm-up only
    // The app's log says so (the aborted call is logged once the module's upload gives up).
    await vi.waitFor(() =>
      expect(s.http.logs.text).toContain('stopped: its client went away before WeCom answered'),
    );
  });

  it('right after its body, before the handler even runs: nothing reaches WeCom', async () => {
    await warmUp(s);
    s.emulator.setDelay(600_000);
    let arrivals = 0;
    s.emulator.on('arrival', () => (arrivals += 1));
    const requests = Array.from({ length: 10 }, () => {
      const req = sendUpload(s.http.url);
      req.once('finish', () => req.destroy()); // the body is out: leave at once
      return new Promise((resolve) => req.once('close', resolve));
    });
    await Promise.all(requests);
    await vi.waitFor(async () => expect(await s.http.leftovers()).toEqual([]), { timeout: 5_000 });
    // Every WeCom call that was started was abandoned, and none was answered.
    await vi.waitFor(() => expect(s.emulator.uploads.length - 1).toBe(arrivals), {
      timeout: 5_000,
    });
    expect(s.emulator.uploads.slice(1).every((u) => u.closedByClient === true)).toBe(true);
    expect(successes(s.emulator)).toBe(1);
  });

  it('while the module waits for the token: the upload stops, its file goes', async () => {
    s.emulator.answerNextWith('gettoken', { status: 200, body: '', hang: true });
    const gettoken = new Promise<void>((resolve) =>
      s.emulator.on('arrival', (api) => api === 'gettoken' && resolve()),
    );
    const req = sendUpload(s.http.url);
    await gettoken;
    req.destroy();
    await spoolGone(s);
    expect(s.emulator.uploads).toHaveLength(0);
  });
});

describe('a client that leaves during the backoff after -1', () => {
  // A backoff far longer than the test: only the abort can end it.
  const s = emulatorSuite({
    http: true,
    app: { retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 } },
  });

  it('stops the retries and removes its file', async () => {
    await warmUp(s);
    s.emulator.failNext('upload_attachment', -1);
    const busy = s.emulator.waitFor((r) => r.api === 'upload_attachment' && r.errcode === -1);
    const req = sendUpload(s.http.url);
    await busy;
    req.destroy();
    await spoolGone(s);
    expect(s.emulator.uploads.map((u) => u.errcode)).toEqual([0, -1]); // no retry was sent
  });
});
