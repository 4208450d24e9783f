// Publishing a moment of 9 × 1 MiB photos against the emulator (in its own process, as WeCom is
// elsewhere): the time until add_moment_task is answered, beside what it is made of — the slowest
// of the 9 photos uploaded alone, and one add_moment_task round trip (a text-only moment through
// the same service). The photos run side by side, so the publish should cost about the slowest
// upload plus that round trip — when an upload's time is mostly waiting on WeCom. Two runs side by
// side: bare loopback, where 9 MiB through the client and the emulator on 2 cores is CPU-bound
// and running side by side cannot help much; and WeCom answering each call 100 ms late (its
// processing and the way there), where an upload mostly waits, as it does against WeCom. WeCom's own
// time to create the moment (the polls of get_moment_task_result) is WeCom's and is reported apart.
// `node bench/publish.mjs [--quick]` runs it alone, against dist/ (build first).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AttachmentService, AttachmentType, MediaType, MomentService } from 'nestjs-wecom-media';
import { makePng, padTo } from '../test/helpers/media-bytes.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';
import { startChild } from './ipc.mjs';

/**
 * The publishing bench's figures for one link, medians over the rounds (ms).
 * @typedef {object} PublishRow
 * @property {string} link `loopback`, or `WeCom 100 ms late`
 * @property {number} rounds
 * @property {number} photos
 * @property {number} photoBytes
 * @property {number} slowestSingleMs The slowest of the photos uploaded one at a time.
 * @property {number} addMomentMs A text-only publish until add_moment_task is answered.
 * @property {number} publishToJobMs The 9-photo publish until add_moment_task is answered.
 * @property {number} publishDoneMs The 9-photo publish until it resolves (WeCom's polls included).
 * @property {number} ratio publishToJobMs ÷ (slowestSingleMs + addMomentMs); the target is ≤ 1.3.
 */

const MiB = 1024 * 1024;
const now = () => performance.timeOrigin + performance.now();

/** @param {number[]} values */
const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * @param {{ quick?: boolean }} [options]
 * @returns {Promise<PublishRow[]>}
 */
export async function benchPublish({ quick = false } = {}) {
  return [await benchLink('loopback', 0, quick), await benchLink('WeCom 100 ms late', 100, quick)];
}

/**
 * @param {string} link
 * @param {number} delayMs
 * @param {boolean} quick
 * @returns {Promise<PublishRow>}
 */
async function benchLink(link, delayMs, quick) {
  const emulator = await startChild(join(import.meta.dirname, 'emulator-process.mjs'));
  const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (
    emulator.hello
  );
  const app = await NestFactory.createApplicationContext(wecomRootModule(wecom, {}), {
    logger: false,
  });
  try {
    const service = app.get(AttachmentService);
    const moments = app.get(MomentService);
    /** The moment's photos: 1 MiB PNGs within the moments rules, each different. */
    const photos = Array.from({ length: 9 }, (_, i) => padTo(makePng(800 + i, 600), MiB));
    /** When add_moment_task was last answered, as the emulator saw it. */
    const answered = async () => {
      const times = /** @type {number[]} */ (await emulator.request({ cmd: 'moment-times' }));
      const last = times.at(-1);
      if (last === undefined) throw new Error('no add_moment_task was answered');
      return last;
    };
    await emulator.request({ cmd: 'delay', ms: delayMs });
    // Warm: the token, the connections, the JIT.
    await moments.publish({ images: photos.slice(0, 2) });
    await answered();

    const rounds = quick ? 3 : 10;
    /** @type {Record<'single' | 'add' | 'job' | 'done', number[]>} */
    const times = { single: [], add: [], job: [], done: [] };
    for (let round = 0; round < rounds; round += 1) {
      let slowest = 0;
      for (const [i, photo] of photos.entries()) {
        const start = now();
        await service.upload({
          file: photo,
          filename: `photo-${i + 1}.png`,
          mediaType: MediaType.Image,
          attachmentType: AttachmentType.Moment,
        });
        slowest = Math.max(slowest, now() - start);
      }
      times.single.push(slowest);

      let start = now();
      await moments.publish({ text: `round ${round}` });
      times.add.push((await answered()) - start);

      start = now();
      await moments.publish({ text: `round ${round}`, images: photos });
      times.done.push(now() - start);
      times.job.push((await answered()) - start);
    }
    const slowestSingleMs = median(times.single);
    const addMomentMs = median(times.add);
    const publishToJobMs = median(times.job);
    return {
      link,
      rounds,
      photos: photos.length,
      photoBytes: MiB,
      slowestSingleMs,
      addMomentMs,
      publishToJobMs,
      publishDoneMs: median(times.done),
      ratio: publishToJobMs / (slowestSingleMs + addMomentMs),
    };
  } finally {
    await app.close();
    await emulator.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchPublish({ quick: process.argv.includes('--quick') }));
}
