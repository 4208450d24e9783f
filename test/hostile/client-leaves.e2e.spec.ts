import { once } from 'node:events';
import { request } from 'node:http';
import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { emulatorSuite } from '../helpers/emulator-suite.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';

const png = makePng(40, 30);
const PATH = '/wecom/attachments?media_type=image&attachment_type=1';

describe('a client that leaves stops the WeCom call it started', () => {
  const s = emulatorSuite({ http: true });

  it('after sending its whole body, while the module calls a slow WeCom', async () => {
    // The token first, so that the next WeCom call is the upload itself.
    expect((await supertest(s.h.url).post(PATH).attach('media', png, 'warm.png')).status).toBe(201);
    // Far longer than the test may take: only the module's abort can end this call in time.
    s.emulator.setDelay(600_000);
    const { body, contentType } = buildMultipart(png, 'leave.png', 'image/png');
    const req = request(`${s.h.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': body.length },
    });
    req.on('error', () => undefined); // dropped on purpose below
    const calling = once(s.emulator, 'arrival'); // the module has begun its upload to WeCom
    req.end(body);
    await calling;
    req.destroy();

    // WeCom saw the upload's connection close before it answered: nothing was stored there.
    const abandoned = await s.emulator.waitFor(
      (r) => r.api === 'upload_attachment' && r.closedByClient === true,
    );
    expect(abandoned.errcode).toBeUndefined();
    expect(abandoned.mediaId).toBeUndefined();
    // …and the spooled file is gone (the suite checks again after the test).
    await vi.waitFor(async () => expect(await s.h.leftovers()).toEqual([]), {
      timeout: 5_000,
      interval: 10,
    });
    expect(s.emulator.uploads.filter((u) => u.errcode === 0)).toHaveLength(1); // the warm-up only
  });
});
