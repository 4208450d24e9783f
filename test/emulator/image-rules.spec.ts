import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { GIF_BYTES, makeJpeg, makePng } from '../helpers/media-bytes.mjs';
import { fetchToken, postUpload } from '../helpers/wecom-calls.mjs';

describe("the emulator holds image uploads to upload_attachment's image rules", () => {
  const s = emulatorSuite({ app: false });

  it('takes JPEG and PNG, refuses other bytes sent as image (40004)', async () => {
    const token = await fetchToken(s.emulator);
    expect((await postUpload(s.emulator, token, makePng(64, 64), '2')).errcode).toBe(0);
    expect(
      (await postUpload(s.emulator, token, makeJpeg({ width: 64, height: 64 }), '2')).errcode,
    ).toBe(0);
    expect((await postUpload(s.emulator, token, GIF_BYTES, '2')).errcode).toBe(40004);
  });

  it("refuses a moments image past its edges (40009), not the album's", async () => {
    const token = await fetchToken(s.emulator);
    expect((await postUpload(s.emulator, token, makePng(1080, 10_800), '1')).errcode).toBe(0);
    expect((await postUpload(s.emulator, token, makePng(1081, 1081), '1')).errcode).toBe(40009);
    expect(
      (await postUpload(s.emulator, token, makeJpeg({ width: 1000, height: 10_801 }), '1')).errcode,
    ).toBe(40009);
    expect((await postUpload(s.emulator, token, makePng(4032, 3024), '2')).errcode).toBe(0);
  });
});
