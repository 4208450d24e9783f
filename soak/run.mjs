// `npm run soak [-- --short]`: thousands of uploads through the service and the controller while
// the emulator injects faults. Asserts that at least 90% succeed, that every upload ends as a
// success or a typed error in bounded time, that retries and gettoken calls stay in bounds, that
// nothing is left in the temp directory, that memory returns to its level after warm-up, and that
// no token or secret appears in any log line, error message or HTTP answer. Prints the figures;
// exits 1 on any failure.
import 'reflect-metadata';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import {
  AttachmentService,
  AttachmentType,
  MediaType,
  WecomApiError,
  WecomError,
  WecomNetworkError,
  RedisStore,
} from 'nestjs-wecom-media';
import { Redis } from 'ioredis';
import { startChild, runConcurrently } from '../bench/ipc.mjs';
import { makePng, padTo } from '../test/helpers/media-bytes.mjs';
import { buildMultipart, postBytes } from '../test/helpers/multipart.mjs';
import { hasRedisServer, RedisServer } from '../test/helpers/redis-server.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';

const short = process.argv.includes('--short');
// --redis: tokens and locks in a real redis-server (skipped without one, unless CI=true).
const withRedis =
  process.argv.includes('--redis') && (hasRedisServer() || process.env.CI === 'true');
const TOTAL = short ? 600 : 5000;
const CONCURRENCY = 32;
const WARMUP = short ? 200 : 300;
const TIMEOUT_MS = 2000;
// 1 attempt + 3 busy retries + 1 token retry + 1 reset retry, each bounded by the timeout, plus backoff.
const MAX_ATTEMPTS = 6;
const UPLOAD_BOUND_MS = MAX_ATTEMPTS * TIMEOUT_MS + 1000;
const here = dirname(fileURLToPath(import.meta.url));

/** @type {string[]} */
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));

/**
 * Every line the module logs.
 * @type {string[]}
 */
const lines = [];
/** @param {string} level */
const logTo =
  (level) =>
  (/** @type {unknown[]} */ ...args) =>
    lines.push(`${level} ${args.map(String).join(' ')}`);
/** @type {import('@nestjs/common').LoggerService} */
const capture = {
  log: logTo('log'),
  error: logTo('error'),
  warn: logTo('warn'),
  debug: logTo('debug'),
  verbose: logTo('verbose'),
  fatal: logTo('fatal'),
};

const emulator = await startChild(join(here, '..', 'bench', 'emulator-process.mjs'));
const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (emulator.hello);
const tempDir = await mkdtemp(join(tmpdir(), 'wecom-soak-'));
const redisServer = withRedis ? await RedisServer.start() : undefined;
const redis = redisServer
  ? new Redis(redisServer.url, { commandTimeout: 500, maxRetriesPerRequest: 1 })
  : undefined;
// A boot that fails stops what was started (a redis-server would outlive this process) and says why.
const app = await NestFactory.create(
  wecomRootModule(wecom, {
    timeoutMs: TIMEOUT_MS,
    retry: { baseDelayMs: 10, maxDelayMs: 50 }, // the least allowed
    tempDir,
    controller: { path: 'upload', guards: [] },
    ...(redis ? { store: new RedisStore(redis) } : {}),
  }),
  // Not abortOnError: a boot failure is thrown here and printed, not ended in a silent exit 1.
  { logger: capture, abortOnError: false },
).catch(async (/** @type {unknown} */ error) => {
  redis?.disconnect();
  await redisServer?.stop();
  await emulator.stop();
  throw error;
});
await app.listen(0, '127.0.0.1');
const url = `${await app.getUrl()}/upload?media_type=image&attachment_type=1`;
const service = app.get(AttachmentService);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const files = [
  padTo(makePng(640, 480), 20 * 1024),
  padTo(makePng(1080, 1920), 80 * 1024),
  padTo(makePng(300, 300), 4 * 1024),
];
const bodies = files.map((f, i) => buildMultipart(f, `soak-${i}.png`, 'image/png'));

/** @type {Map<string, number>} */
const outcomes = new Map(); // kind → count
/** @type {string[]} */
const responses = []; // every HTTP answer body, for the secrets check
/** @type {string[]} */
const errors = []; // every error message and stack
let maxAttempts = 0;
let hangs = 0;
/** @param {string} kind */
const count = (kind) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
/**
 * The `i`th of `list`, round and round.
 * @template T
 * @param {T[]} list
 * @param {number} i
 * @returns {T}
 */
function nth(list, i) {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('nth() of an empty list');
  return item;
}
/**
 * What an error says: its name and message, whatever was thrown.
 * @param {unknown} error
 */
const describeError = (error) =>
  error instanceof Error ? `${error.name}: ${error.message}` : `${error}`;

/**
 * The `i`th upload through the service.
 * @param {number} i
 * @returns {Promise<unknown>}
 */
function viaService(i) {
  const file = nth(files, i);
  return service
    .upload({
      file,
      filename: `svc-${i}.png`,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    })
    .then(
      () => count('service: success'),
      (/** @type {unknown} */ error) => {
        errors.push(error instanceof Error ? `${error.message}\n${error.stack}` : `${error}`);
        if (error instanceof WecomError) {
          count(
            `service: ${error.name}${error instanceof WecomApiError ? ` ${error.errcode}` : ''}`,
          );
          const attempts =
            error instanceof WecomApiError || error instanceof WecomNetworkError
              ? error.attempts
              : 1;
          maxAttempts = Math.max(maxAttempts, attempts);
        } else count(`service: UNTYPED ${describeError(error)}`);
      },
    );
}

/**
 * The `i`th upload through the controller.
 * @param {number} i
 * @returns {Promise<unknown>}
 */
function viaController(i) {
  const { body, contentType } = nth(bodies, i);
  return postBytes(url, body, contentType, agent).then(
    ({ status, text }) => {
      responses.push(text);
      const { errcode } = /** @type {{ errcode?: number }} */ (JSON.parse(text));
      count(`controller: HTTP ${status}${errcode !== undefined ? ` errcode ${errcode}` : ''}`);
    },
    (/** @type {unknown} */ error) =>
      count(
        `controller: UNTYPED client error ${error instanceof Error ? error.message : `${error}`}`,
      ),
  );
}

/**
 * One upload, alternately through the service and the controller, with a hang detector.
 * @param {number} i
 * @returns {Promise<unknown>}
 */
function oneUpload(i) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @type {Promise<void>} */
  const watchdog = new Promise((resolve) => {
    timer = setTimeout(() => {
      hangs += 1;
      resolve();
    }, UPLOAD_BOUND_MS);
  });
  return Promise.race([i % 2 === 0 ? viaService(i) : viaController(i), watchdog]).finally(() =>
    clearTimeout(timer),
  );
}

const rss = () => process.memoryUsage.rss() / 2 ** 20;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const started = Date.now();
await runConcurrently(WARMUP, CONCURRENCY, oneUpload);
await settle();
const rssAfterWarmup = rss();
await emulator.request({ cmd: 'stats' }); // reset the counts
outcomes.clear();

await emulator.request({
  cmd: 'faults',
  faults: {
    busyRate: 0.1,
    resetRate: 0.02,
    rateLimitRate: 0.01,
    delayMs: [0, 20],
    expireTokensEvery: 500,
  },
});
const { latencies, wallMs } = await runConcurrently(TOTAL, CONCURRENCY, oneUpload);
await emulator.request({ cmd: 'faults', faults: {} });
const stats = /** @type {import('../bench/emulator-process.mjs').EmulatorStats} */ (
  await emulator.request({ cmd: 'stats' })
);
await settle();
const rssAtEnd = rss();
const leftovers = (await readdir(tempDir, { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile())
  .map((e) => e.name);
const tokens = /** @type {string[]} */ (await emulator.request({ cmd: 'issued-tokens' }));
// What a reader of the shared Redis sees: keys and values, which may hold a token but never the secret.
const redisContents = redis
  ? (
      await Promise.all((await redis.keys('*')).map(async (k) => `${k}=${await redis.get(k)}`))
    ).join('\n')
  : '';
redis?.disconnect();
await redisServer?.stop();
await app.close();
agent.destroy();
await emulator.stop();
await rm(tempDir, { recursive: true, force: true });

const expiries = Math.floor(stats.uploads / 500);
const haystack = [...lines, ...errors, ...responses].join('\n');
const leaked = [...tokens, wecom.corpSecret].filter((secret) => haystack.includes(secret));
const untyped = [...outcomes.keys()].filter((k) => k.includes('UNTYPED') || k.includes('HTTP 500'));
const sorted = latencies.toSorted((a, b) => a - b);
/** @param {number} p */
const percentile = (p) => (sorted[Math.floor(sorted.length * p)] ?? NaN).toFixed(1);

// The injected faults fail a few per cent; a run where most uploads fail tests nothing.
const succeeded =
  (outcomes.get('service: success') ?? 0) + (outcomes.get('controller: HTTP 201') ?? 0);

/** @type {[string, boolean][]} */
const checks = [
  [`at least 90% of the uploads succeeded (${succeeded} of ${TOTAL})`, succeeded >= TOTAL * 0.9],
  [
    `every upload ended as a success or a typed error (untyped: ${untyped.join('; ') || 'none'})`,
    untyped.length === 0,
  ],
  [`no upload hung past ${UPLOAD_BOUND_MS} ms (hangs: ${hangs})`, hangs === 0],
  [`no unhandled rejection (${unhandled.length})`, unhandled.length === 0],
  [
    `retries within bounds: at most ${MAX_ATTEMPTS} attempts per upload (most seen: ${maxAttempts}); ${stats.uploads} requests for ${TOTAL} uploads`,
    maxAttempts <= MAX_ATTEMPTS && stats.uploads <= TOTAL * MAX_ATTEMPTS,
  ],
  [
    `gettoken calls ≤ token expiries + 1 (${stats.gettoken} ≤ ${expiries} + 1)`,
    stats.gettoken <= expiries + 1,
  ],
  [`temp directory empty at the end (${leftovers.length} files)`, leftovers.length === 0],
  [
    `RSS at the end ≤ RSS after warm-up + 30 MiB (${rssAtEnd.toFixed(1)} ≤ ${rssAfterWarmup.toFixed(1)} + 30)`,
    rssAtEnd <= rssAfterWarmup + 30,
  ],
  [
    `the secret is not among Redis's keys and values (${redis ? 'checked' : 'no Redis in this run'})`,
    !redisContents.includes(wecom.corpSecret),
  ],
  [
    `no token or secret in ${lines.length} log lines, ${errors.length} error messages, ${responses.length} HTTP answers (leaked: ${leaked.length})`,
    leaked.length === 0,
  ],
];

console.log(
  `soak (${short ? 'short' : 'full'}): ${TOTAL} uploads at concurrency ${CONCURRENCY}, half through the service, half through the controller; store: ${redis ? 'RedisStore on a real redis-server' : 'MemoryStore'}`,
);
console.log(
  `faults: 10% errcode -1, 2% connection resets, 1% errcode 45009, 0-20 ms delays, tokens expired every 500 uploads`,
);
console.log(
  `took ${((Date.now() - started) / 1000).toFixed(1)} s; ${((TOTAL / wallMs) * 1000).toFixed(0)} uploads/s; p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms`,
);
console.log(
  `upload requests to WeCom: ${stats.uploads}; gettoken: ${stats.gettoken}; token expiries: ${expiries}`,
);
console.log(
  `RSS after warm-up ${rssAfterWarmup.toFixed(1)} MiB, at the end ${rssAtEnd.toFixed(1)} MiB`,
);
console.log('outcomes:');
for (const [kind, n] of [...outcomes].toSorted())
  console.log(`  ${String(n).padStart(5)}  ${kind}`);
console.log('checks:');
for (const [what, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
const failed = checks.filter(([, ok]) => !ok).length;
console.log(`soak: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
