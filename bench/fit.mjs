// Fitting a 12 MP phone photo for moments: the module's fit (inspect, the rules, sharp, the check
// of the result) against a bare sharp pipeline doing the same resize, in this process; and the
// receiving server's peak RSS while 16 such photos arrive at once through the controller.
// `node bench/fit.mjs [--quick]` runs it alone, against dist/ (build first). The fitter is
// internal, not in the package's public API, so this imports it from dist.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { multipartFrame, postFile } from '../test/helpers/multipart.mjs';
import { startChild } from './ipc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
/** The photos fitted at once through the controller, for the memory figure. */
const CONCURRENT_FITS = 16;

// dist is lib compiled, so it has lib's types. The specifiers are computed so that type-checking,
// which may run before the build, does not look for dist.
/** @param {string} path */
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const { ImageFitter } = /** @type {typeof import('../lib/media/fit/image-fitter.js')} */ (
  await import(dist('media/fit/image-fitter.js'))
);
const { resolveOptions } = /** @type {typeof import('../lib/options/resolve-options.js')} */ (
  await import(dist('options/resolve-options.js'))
);
const { resolveSource } = /** @type {typeof import('../lib/source/attachment-source.js')} */ (
  await import(dist('source/attachment-source.js'))
);
const { inspectMedia } = /** @type {typeof import('../lib/media/inspect-media.js')} */ (
  await import(dist('media/inspect-media.js'))
);
const { checkAttachment } = /** @type {typeof import('../lib/rules/check-attachment.js')} */ (
  await import(dist('rules/check-attachment.js'))
);
const { TempDirectory } = /** @type {typeof import('../lib/source/temp-directory.js')} */ (
  await import(dist('source/temp-directory.js'))
);
const { messagesFor } = /** @type {typeof import('../lib/messages/index.js')} */ (
  await import(dist('messages/index.js'))
);

/**
 * The fit bench's figures.
 * @typedef {object} FitResults
 * @property {number} photoBytes The 12 MP JPEG's size.
 * @property {number} rounds
 * @property {number} moduleP50Ms The module's fit, median.
 * @property {number} bareP50Ms A bare sharp pipeline doing the same resize, median.
 * @property {number} ratio moduleP50Ms / bareP50Ms (target ≤ 1.2).
 * @property {number} concurrentFits
 * @property {number} idleRssMiB The receiving server's RSS just after boot.
 * @property {number} peakOverIdleMiB Its peak RSS over that idle while they are fitted, with
 *   sharp's and glibc's defaults (target ≤ 200).
 * @property {number} warmPeakOverIdleMiB The same over the RSS after one warm-up fit (libvips
 *   starts its codecs and threads once).
 * @property {number} tunedPeakOverIdleMiB Cold, deployed as the README advises:
 *   `sharp.cache(false)` in the app, MALLOC_ARENA_MAX=2 in its environment.
 */

/**
 * A 4032 × 3024 JPEG that compresses like a photo: a gradient with grain.
 * @returns {Promise<Buffer>}
 */
async function phonePhoto() {
  const width = 4032;
  const height = 3024;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    const x = (i / 3) % width;
    pixels[i] = ((x * 255) / width + (seed % 24)) & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * The median of `values` (sorted in place).
 * @param {number[]} values
 * @returns {number}
 */
function median(values) {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? NaN;
}

/**
 * Runs the fit bench; `wecom` is the emulator process to upload to (for the memory figure).
 * @param {{ dir: string, quick: boolean, wecom: import('../test/helpers/wecom-calls.mjs').WecomTarget }} options
 * @returns {Promise<FitResults>}
 */
export async function benchFit({ dir, quick, wecom }) {
  const photo = join(dir, 'phone.jpg');
  const bytes = await phonePhoto();
  await writeFile(photo, bytes);
  const rounds = quick ? 5 : 25;
  const options = resolveOptions({
    corpId: 'ww-bench',
    corpSecret: 'bench',
    fit: true,
    tempDir: dir,
  });
  if (!options.fit) throw new Error('fit is off');
  const settings = options.fit;
  const temp = new TempDirectory(dir);
  const fitter = new ImageFitter(options, temp);
  const messages = messagesFor('en');

  /** The module: open, inspect, check, fit, check the result; then let it go. */
  const viaModule = async () => {
    /** @param {import('../lib/source/attachment-source.js').AttachmentSource} source */
    const judge = async (source) => {
      const media = await inspectMedia(source.reader);
      const { size, filename } = source;
      const facts = { mediaType: 'image', attachmentType: 1, size, filename, media };
      return {
        source,
        media,
        filename,
        violations: checkAttachment(facts, options.rules, messages),
      };
    };
    const image = await judge(await resolveSource({ file: photo }, { temp, spoolLimit: 0 }));
    const outcome = await fitter.fit({
      image,
      attachmentType: 1,
      rules: options.rules,
      messages,
      settings,
    });
    await image.source.dispose();
    if ('violations' in outcome) throw new Error(JSON.stringify(outcome.violations));
    const fitted = await judge(outcome.source);
    await outcome.source.dispose();
    if (fitted.violations.length > 0) throw new Error(JSON.stringify(fitted.violations));
  };
  /** The same resize with nothing around it. */
  const bare = async () => {
    const out = join(dir, 'bare.jpg');
    await sharp(photo)
      .rotate()
      .resize({ width: 1440, height: 1080, fit: 'inside', withoutEnlargement: true })
      .keepIccProfile()
      .jpeg({ quality: settings.jpegQualities[0], optimiseCoding: false })
      .toFile(out);
    if ((await stat(out)).size === 0) throw new Error('bare sharp wrote nothing');
  };
  // sharp's own defaults, as the module leaves them (they are the app's).
  /** @type {number[]} */
  const moduleMs = [];
  /** @type {number[]} */
  const bareMs = [];
  await viaModule(); // warm-up: loads sharp, JIT
  await bare();
  for (let i = 0; i < rounds; i++) {
    // Interleaved, so that machine drift hits both alike.
    for (const [run, into] of /** @type {const} */ ([
      [viaModule, moduleMs],
      [bare, bareMs],
    ])) {
      const start = process.hrtime.bigint();
      await run();
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const moduleP50Ms = median(moduleMs);
  const bareP50Ms = median(bareMs);

  // Memory: 16 photos at once through the controller with fit on, in a server process of its own.
  // Cold (the target's figure): the idle RSS right after boot; warm: after the server has fitted
  // one photo, as a running service has. With sharp's and glibc's defaults, and as the README
  // advises deploying a service that fits (sharp's cache off, glibc's arenas capped).
  /**
   * @param {NodeJS.ProcessEnv} env
   * @param {boolean} warm
   */
  const peakOverIdle = async (env, warm) => {
    const server = await startChild(
      join(here, 'upload-server.mjs'),
      ['module-fit', JSON.stringify(wecom)],
      [],
      env,
    );
    try {
      const url = `${/** @type {import('./upload-server.mjs').ServerHello} */ (server.hello).url}?media_type=image&attachment_type=1`;
      if (warm) {
        const first = await postFile(
          url,
          photo,
          multipartFrame('warm-up.jpg', 'image/jpeg', bytes.length),
          false,
        );
        if (first.status !== 201) throw new Error(`the warm-up fit was refused: ${first.text}`);
      }
      await server.request({ cmd: 'reset-peak' });
      const { idle } = /** @type {import('./upload-server.mjs').IdleAnswer} */ (
        await server.request({ cmd: 'reset-peak' })
      );
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT_FITS }, (_, i) =>
          postFile(url, photo, multipartFrame(`phone-${i}.jpg`, 'image/jpeg', bytes.length), false),
        ),
      );
      const refused = answers.filter((a) => a.status !== 201);
      if (refused.length > 0) throw new Error(`fit uploads refused: ${refused[0]?.text}`);
      const { peak } = /** @type {import('./upload-server.mjs').PeakAnswer} */ (
        await server.request({ cmd: 'peak' })
      );
      return { idle: idle / MiB, overIdle: (peak - idle) / MiB };
    } finally {
      await server.stop();
    }
  };
  // MALLOC_ARENA_MAX is glibc's; elsewhere it is ignored.
  const defaults = { MALLOC_ARENA_MAX: undefined, BENCH_SHARP_CACHE: undefined };
  const cold = await peakOverIdle(defaults, false);
  const warm = await peakOverIdle(defaults, true);
  const tuned = await peakOverIdle({ MALLOC_ARENA_MAX: '2', BENCH_SHARP_CACHE: 'off' }, false);
  return {
    photoBytes: bytes.length,
    rounds,
    moduleP50Ms,
    bareP50Ms,
    ratio: moduleP50Ms / bareP50Ms,
    concurrentFits: CONCURRENT_FITS,
    idleRssMiB: cold.idle,
    peakOverIdleMiB: cold.overIdle,
    warmPeakOverIdleMiB: warm.overIdle,
    tunedPeakOverIdleMiB: tuned.overIdle,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = await mkdtemp(join(tmpdir(), 'wecom-fit-'));
  const emulator = await startChild(join(here, 'emulator-process.mjs'));
  try {
    const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (
      emulator.hello
    );
    console.log(`fit bench on ${cpus().length} cores`);
    console.table(await benchFit({ dir, quick: process.argv.includes('--quick'), wecom }));
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
