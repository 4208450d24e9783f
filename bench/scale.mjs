// `npm run bench -- --scale`: a catalogue import through the queue on 1 and on 2 worker processes,
// side by side in one run: 200 albums × 3 photos, one photo in three a 12 MP WebP that needs a fit
// (sharp), against the WeCom emulator with WeCom's own frequency limits and a real redis-server.
// Two workers share the machine, so each is deployed with one core's worth, as docs/scale.md
// advises; `--defaults` runs them with the module's defaults and the sample's MALLOC_ARENA_MAX=2
// instead. Prints albums per minute, each worker's peak RSS and CPU time and the count of 45009,
// and writes bench/results/scale*.json. `--albums N` and `--rounds N` change the size (default
// 200, 2).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullModule } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { PublishQueue, RedisStore } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { RedisServer } from '../test/helpers/redis-server.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';

/**
 * One run's figures.
 * @typedef {object} ScaleRow
 * @property {number} workers
 * @property {number} albums
 * @property {number} seconds
 * @property {number} albumsPerMinute
 * @property {number[]} peakRssMiB Each worker's peak RSS (VmHWM).
 * @property {number[]} cpuSeconds Each worker's CPU time (user and system) over the import.
 * @property {number} refusals45009
 * @property {number} uploads
 */

/** @param {string} flag */
const argument = (flag) => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? undefined : Number(process.argv[at + 1]);
};
/**
 * One core's worth per worker (unless `--defaults`), as docs/scale.md advises where workers
 * share a machine: `fit.concurrency` 1, libvips on one thread, 3 jobs at once (one fits
 * while the others upload), one glibc arena, large image buffers handed back at once
 * (MALLOC_MMAP_THRESHOLD_), and V8's young generation capped (--max-semi-space-size=8). The flags
 * below override it.
 */
const ONE_CORE = !process.argv.includes('--defaults');
const ALBUMS = argument('--albums') ?? 200;
const ROUNDS = argument('--rounds') ?? 2;
const CONCURRENCY_PER_WORKER = argument('--concurrency') ?? (ONE_CORE ? 3 : 4);
/** Fits at once per worker (the module's `fit.concurrency`); its default without the flag. */
const FITS_PER_WORKER = argument('--fits') ?? (ONE_CORE ? 1 : undefined);
/** libvips threads per worker (VIPS_CONCURRENCY), set in the workers' environment when given. */
const VIPS_THREADS = argument('--vips-threads') ?? (ONE_CORE ? 1 : undefined);
/** `--no-fit`: the third photo a JPEG too, to see the queue's own cost without fitting. */
const NO_FIT = process.argv.includes('--no-fit');
const here = import.meta.dirname;
const dir = await mkdtemp(join(tmpdir(), 'wecom-scale-'));

/**
 * A smooth gradient of `width` × `height` as `format` (a phone photo's size, not its content).
 * @param {number} width
 * @param {number} height
 * @param {'jpeg' | 'webp'} format
 * @returns {Promise<Buffer>}
 */
async function photo(width, height, format) {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    const x = (i / 3) % width;
    const y = Math.floor(i / 3 / width);
    pixels[i] = (x * 255) / width;
    pixels[i + 1] = (y * 255) / height;
    pixels[i + 2] = (x ^ y) & 255;
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'webp'
    ? image.webp({ quality: 90 }).toBuffer()
    : image.jpeg({ quality: 88 }).toBuffer();
}
const photos = {
  front: join(dir, 'front.jpg'),
  back: join(dir, 'back.jpg'),
  phone: join(dir, 'phone.webp'), // WebP: the album takes JPEG or PNG, so fit converts it
};
await writeFile(photos.front, await photo(1080, 1440, 'jpeg'));
await writeFile(photos.back, await photo(1440, 1080, 'jpeg'));
await writeFile(
  photos.phone,
  await photo(NO_FIT ? 1080 : 4032, NO_FIT ? 1080 : 3024, NO_FIT ? 'jpeg' : 'webp'),
);

const redis = await RedisServer.start();
// WeCom's own limits (doc 90454): a client that exceeded them would meet 45009 here.
const emulator = await WecomEmulator.start({
  hashUploads: false,
  limits: { perMinute: 10_000, perHour: 150_000 },
});
const wecom = { url: emulator.url, corpId: emulator.corpId, corpSecret: emulator.corpSecret };
const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
const enqueuer = await NestFactory.createApplicationContext(
  {
    module: class ScaleEnqueuer {
      name() {
        return 'enqueues the catalogue';
      }
    },
    imports: [
      BullModule.forRoot({ connection: { host: '127.0.0.1', port: redis.port } }),
      ...(wecomRootModule(wecom, {
        store: new RedisStore(client),
        warmUp: false,
        queue: { worker: false },
      }).imports ?? []),
    ],
  },
  { logger: false },
);
const queue = enqueuer.get(PublishQueue);

/**
 * Starts `n` worker processes (test/replicas/queue-worker.mjs) and resolves once all are up.
 * @param {number} n
 */
async function startWorkers(n) {
  const config = {
    baseUrl: emulator.url,
    corpId: emulator.corpId,
    corpSecret: emulator.corpSecret,
    redisUrl: redis.url,
    queue: { concurrency: CONCURRENCY_PER_WORKER, retryDelayMs: 200 },
    options: {
      fit: FITS_PER_WORKER === undefined ? true : { concurrency: FITS_PER_WORKER },
      rateLimit: true,
      retry: { baseDelayMs: 200, maxDelayMs: 5_000 },
    },
    sharpCacheOff: true,
  };
  return Promise.all(
    Array.from({ length: n }, async () => {
      const child = fork(
        join(here, '..', 'test', 'replicas', 'queue-worker.mjs'),
        [JSON.stringify(config)],
        {
          env: {
            ...process.env,
            // One core's worth needs one arena: one libvips thread, and little else allocating.
            MALLOC_ARENA_MAX: ONE_CORE ? '1' : '2',
            ...(ONE_CORE
              ? {
                  MALLOC_MMAP_THRESHOLD_: '1048576',
                  // V8's young generation otherwise grows to 3 × 16 MiB in a busy worker.
                  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=8`.trim(),
                }
              : {}),
            ...(VIPS_THREADS === undefined ? {} : { VIPS_CONCURRENCY: String(VIPS_THREADS) }),
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      await once(child, 'message');
      return child;
    }),
  );
}

/**
 * A worker's peak resident set so far (VmHWM), in MiB.
 * @param {number} pid
 */
async function peakRssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * A worker's CPU time so far (user and system), in seconds.
 * @param {number} pid
 */
async function cpuSeconds(pid) {
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, after the parenthesised name.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 a second
}

/**
 * Imports the catalogue once on `n` workers; Redis and the emulator start empty.
 * @param {number} n
 * @param {number} round
 */
async function runOn(n, round) {
  await client.flushall();
  emulator.reset();
  const workers = await startWorkers(n);
  const started = performance.now();
  for (let i = 0; i < ALBUMS; i++) {
    const key = `R${round}W${n}SN${String(i).padStart(4, '0')}`;
    await queue.createAlbum({
      key,
      description: `商品 ${i}: a product of the catalogue`,
      priceFen: 1_000 + i,
      productSn: key,
      images: [photos.front, photos.back, photos.phone],
    });
  }
  for (;;) {
    const progress = await queue.progress();
    if (progress.completed + progress.failed >= ALBUMS) break;
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRss = await Promise.all(workers.map((w) => peakRssMiB(w.pid ?? 0)));
  const cpu = await Promise.all(workers.map((w) => cpuSeconds(w.pid ?? 0)));
  const failed = (await queue.progress()).failed;
  await Promise.all(
    workers.map(async (w) => {
      const exited = once(w, 'exit');
      w.send({ cmd: 'exit' });
      await exited;
    }),
  );
  if (failed > 0) throw new Error(`${failed} album(s) failed on ${n} worker(s)`);
  /** @type {ScaleRow} */
  const row = {
    workers: n,
    albums: emulator.albums.length,
    seconds: Math.round(seconds * 10) / 10,
    albumsPerMinute: Math.round((ALBUMS / seconds) * 60),
    peakRssMiB: peakRss,
    cpuSeconds: cpu,
    refusals45009: emulator.requests.filter((r) => r.errcode === 45009).length,
    uploads: emulator.uploads.length,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** @type {ScaleRow[]} */
const rows = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternated, so that the machine's drift hits both alike.
  for (const n of round % 2 === 0 ? [1, 2] : [2, 1]) rows.push(await runOn(n, round));
}
const best = (/** @type {number} */ n) =>
  Math.max(...rows.filter((r) => r.workers === n).map((r) => r.albumsPerMinute));
const results = {
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  albums: ALBUMS,
  photosPerAlbum: 3,
  concurrencyPerWorker: CONCURRENCY_PER_WORKER,
  fitsPerWorker: FITS_PER_WORKER ?? 'the module default (the CPU cores)',
  vipsThreads: VIPS_THREADS ?? "libvips's default (the CPU cores)",
  fitPhotos: NO_FIT ? 0 : ALBUMS,
  rows,
  speedUp: Math.round((best(2) / best(1)) * 100) / 100,
};
console.log(
  `\n| workers | albums/min | s | peak RSS per worker (MiB) | CPU s per worker | 45009 |\n|---|---|---|---|---|---|`,
);
for (const r of rows) {
  console.log(
    `| ${r.workers} | ${r.albumsPerMinute} | ${r.seconds} | ${r.peakRssMiB.join(', ')} | ${r.cpuSeconds.join(', ')} | ${r.refusals45009} |`,
  );
}
const setUp = ONE_CORE ? "one core's worth per worker (docs/scale.md)" : "the module's defaults";
console.log(`\n2 workers ÷ 1, ${setUp}: ${results.speedUp}× (target ≥ 1.6)`);
await mkdir(join(here, 'results'), { recursive: true });
const name = [
  'scale',
  ...(ONE_CORE ? [] : ['defaults']),
  // Named by the flags given, beyond the set-up.
  ...['--concurrency', '--fits', '--vips-threads'].flatMap((flag) => {
    const value = argument(flag);
    return value === undefined ? [] : [`${flag.slice(2)}-${value}`];
  }),
  ...(NO_FIT ? ['no-fit'] : []),
].join('-');
await writeFile(join(here, 'results', `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
await enqueuer.close();
client.disconnect();
await emulator.close();
await redis.stop();
await rm(dir, { recursive: true, force: true });
