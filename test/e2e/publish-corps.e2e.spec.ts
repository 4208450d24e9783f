import { describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  MomentService,
  ProductAlbumService,
  WecomApiError,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { A, B, C, secretOf, THREE_CORPS, uploadsByCorp } from './three-corps.js';

describe('publishing for many corps, and publishes cut short', () => {
  const s = emulatorSuite({ emulator: THREE_CORPS, app: { corpId: A, secretFor: secretOf } });
  const moments = (): MomentService => s.app.app.get(MomentService);
  const albums = (): ProductAlbumService => s.app.app.get(ProductAlbumService);

  it('each publish uploads and publishes with its own corp’s token', async () => {
    const [moment, album] = await Promise.all([
      moments().publish({ corpId: B, images: [makePng(20, 20), makePng(21, 21)] }),
      albums().create({ corpId: C, description: 'c', priceFen: 1, images: [makePng(22, 22)] }),
      moments().publish({ text: 'default corp' }),
    ]);
    expect(uploadsByCorp(s.emulator)).toEqual({ [B]: 2, [C]: 1 });
    expect(s.emulator.moments.map((m) => m.corpId).toSorted()).toEqual([A, B].toSorted());
    expect(s.emulator.albums.map((a) => a.corpId)).toEqual([C]);
    // The other corps cannot see them.
    await expect(moments().cancel(moment.momentId, { corpId: C })).rejects.toBeInstanceOf(
      WecomApiError,
    );
    await expect(albums().get(album.productId, { corpId: B })).rejects.toBeInstanceOf(
      WecomApiError,
    );
    expect((await albums().get(album.productId, { corpId: C })).priceFen).toBe(1);
  });

  it('a corp id that is no corp id is refused before any call', async () => {
    for (const corpId of ['', 'ww bad', 'x'.repeat(65)]) {
      await expect(moments().publish({ corpId, text: 'x' })).rejects.toBeInstanceOf(
        AttachmentRuleError,
      );
      await expect(albums().get('p', { corpId })).rejects.toBeInstanceOf(AttachmentRuleError);
    }
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('aborted while the photos upload: nothing is published, no file is left open', async () => {
    const controller = new AbortController();
    s.emulator.setDelay(300);
    const publishing = moments().publish({
      signal: controller.signal,
      images: [makePng(30, 30), makePng(31, 31), makePng(32, 32)],
    });
    await s.emulator.waitFor((r) => r.api === 'upload_attachment');
    controller.abort(new Error('the admin left'));
    await expect(publishing).rejects.toThrow(/the admin left|abort/i);
    s.emulator.setDelay(0);
    expect(s.emulator.callsOf('add_moment_task')).toHaveLength(0);
  });

  it('shutdown lets a publish under way finish', async () => {
    const app = await bootApp(s.emulator, { corpId: A, secretFor: secretOf });
    const service = app.app.get(MomentService);
    s.emulator.setDelay(100);
    const publishing = service.publish({ images: [makePng(40, 40)] });
    await s.emulator.waitFor((r) => r.api === 'upload_attachment');
    await app.close();
    s.emulator.setDelay(0);
    await expect(publishing).resolves.toMatchObject({ momentId: expect.any(String) });
  });
});
