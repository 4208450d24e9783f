import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import type { RecordedRequest } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

// Hostile review #9: an upload took its token before it waited for its maxConcurrentCalls place,
// so a token that expired during the wait was sent, refused (42001), refreshed — and the refreshed
// one taken before waiting again, and refused again. Now the token is taken once the place is
// (token calls never wait in the line).

const png = makePng(32, 32);
const upload = (t: TestApp, i: number) =>
  t.service.upload({
    file: png,
    filename: `${i}.png`,
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.Moment,
  });

describe('uploads waiting in line take their token once placed', () => {
  const s = emulatorSuite({ app: { maxConcurrentCalls: 1 } });

  it('maxConcurrentCalls 1, 8 uploads queued, tokens expired twice while they wait: all 8 succeed, none with 42001', async () => {
    await upload(s.app, 0); // the first token
    const [first = ''] = s.emulator.issuedTokens;
    // Expire every token once the first queued upload is answered, and again once an upload
    // with a later token is: each time, the uploads still in line hold no token yet.
    let expiries = 0;
    const expire = (r: RecordedRequest) => {
      if (r.api !== 'upload_attachment' || r.errcode !== 0) return;
      const refreshed = r.accessToken !== first;
      if (expiries === 0 || (expiries === 1 && refreshed)) {
        expiries += 1;
        s.emulator.expireTokens();
      }
    };
    s.emulator.on('request', expire);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => upload(s.app, i + 1)),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    } finally {
      s.emulator.off('request', expire);
    }
    expect(expiries).toBe(2);
    // Each expiry cost one refresh, and a refused call or two, each absorbed by its one retry.
    expect(s.emulator.gettokenCalls).toBe(3);
    expect(s.emulator.uploads.filter((u) => u.errcode === 42001).length).toBeGreaterThanOrEqual(2);
    expect(s.emulator.uploads.filter((u) => u.errcode === 0)).toHaveLength(9);
    expect(s.emulator.peakLoad('upload_attachment').concurrent).toBe(1);
  });
});
