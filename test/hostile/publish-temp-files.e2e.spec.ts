// Publishing leaves no file in the module's temp folder, whatever ends it.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MomentService } from '../../lib/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

describe('publishing: nothing left in the temp folder', () => {
  const s = emulatorSuite({ app: false });
  let dir: string;
  let app: TestApp | undefined;
  const leftovers = async (): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name);
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (): Promise<MomentService> => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-publish-'));
    app = await bootApp(s.emulator, { tempDir: dir });
    return app.app.get(MomentService);
  };
  const streams = (n: number) =>
    Array.from({ length: n }, (_, i) => Readable.from([makePng(40 + i, 40)]));

  it('after a rule refusal', async () => {
    const moments = await start();
    await moments
      .publish({ images: streams(3), video: fixturePath('clip-faststart.mp4') })
      .catch(() => undefined);
    expect(await leftovers()).toEqual([]);
  });

  it('as soon as a publish whose upload failed has rejected', async () => {
    const moments = await start();
    s.emulator.failNext('upload_attachment', 40004);
    s.emulator.setDelay(200);
    await moments.publish({ images: streams(5) }).catch(() => undefined);
    s.emulator.setDelay(0);
    expect(await leftovers()).toEqual([]);
  });

  it('after a stream that errors mid-publish', async () => {
    const moments = await start();
    const broken = new Readable({
      read() {
        this.push(makePng(50, 50).subarray(0, 30));
        this.destroy(new Error('disk gone'));
      },
    });
    const error = await moments
      .publish({ images: [...streams(3), broken] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/images\[3\]/);
    expect(await leftovers()).toEqual([]);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('as soon as a publish aborted mid-upload has rejected', async () => {
    const moments = await start();
    s.emulator.setDelay(300);
    const controller = new AbortController();
    const publishing = moments
      .publish({ images: streams(5), signal: controller.signal })
      .catch((e: unknown) => e);
    await s.emulator.waitFor((r) => r.api === 'upload_attachment');
    controller.abort(new Error('gone'));
    await publishing;
    s.emulator.setDelay(0);
    expect(await leftovers()).toEqual([]);
  });

  it('after add_moment_task fails', async () => {
    const moments = await start();
    s.emulator.failNext('add_moment_task', 40058);
    await moments.publish({ images: streams(3) }).catch(() => undefined);
    expect(await leftovers()).toEqual([]);
  });
});
