import { availableParallelism } from 'node:os';
import { check, ms, shape, toggle, whole } from './option-checks.js';

/** Fits run on libuv's thread pool, which file reads and DNS share: leave one of its threads. */
const defaultFitConcurrency = (): number =>
  Math.max(1, Math.min(availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1));

/** How images that break a rule are fitted; per call too (`fit` of an upload). */
export const FIT = toggle(
  shape({
    /** The JPEG qualities tried, highest first, until the file fits the size limit. */
    jpegQualities: check<readonly number[], readonly number[]>(
      'a list of whole numbers from 1 to 100',
      (v, at) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((q) => Number.isInteger(q) && q >= 1 && q <= 100)
          ? undefined
          : `${at} must be a list of whole numbers from 1 to 100; got ${JSON.stringify(v)}`,
      [90, 80, 70, 60, 50],
    ),
    /**
     * The largest image file fitted: a larger one keeps its `max-size` violation. With `fit` on,
     * it is also how much the controller receives, and how much of a stream is spooled, for an
     * image. 50 MiB: a 48 MP phone photo or a large PNG screenshot, with room.
     */
    maxInputBytes: whole(1, 50 * 1024 * 1024),
    /**
     * The most pixels an image may declare to be fitted: a small file that claims 50,000 × 50,000
     * px (a decode bomb) is refused before it is decoded. A 50 MP phone photo passes; decoded, it
     * holds 200 MB of RGBA at most.
     */
    maxInputPixels: whole(1, 50_000_000),
    /** The longest a fit may take; a longer one is stopped and refused. */
    timeoutMs: ms(20_000),
    /**
     * How many images are fitted at once in this process; the rest wait their turn. Only the
     * module's option counts (per call it is ignored). Fits run on libuv's thread pool, which
     * file reads share, so the default leaves one of its threads free.
     */
    concurrency: {
      ...whole(1),
      shownDefault: 'the CPU cores, at most UV_THREADPOOL_SIZE − 1 (3)',
      resolve: (v: number | undefined) => v ?? defaultFitConcurrency(),
    },
  }),
);
