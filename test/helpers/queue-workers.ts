import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PublishQueue, type QueuedAlbumInput } from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { ForkedProcess } from './forked-process.js';
import { makePng } from './media-bytes.mjs';
import { RedisServer } from './redis-server.mjs';
import { scratchDir } from './scratch-dir.js';
import { bootApp, type EmulatorAppOptions, type TestApp } from './wecom-test-app.js';

/** A queue worker process running the built package; see test/replicas/queue-worker.mjs. */
export class QueueWorker extends ForkedProcess {
  /** Starts a worker with `queue` settings and module `options` over the emulator's corp. */
  static async start(
    emulator: WecomEmulator,
    redis: RedisServer,
    queue: Record<string, unknown> = {},
    options: Record<string, unknown> = {},
  ): Promise<QueueWorker> {
    const config = {
      baseUrl: emulator.url,
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      redisUrl: redis.url,
      queue,
      options,
    };
    const child = await ForkedProcess.forkReady(
      'test/replicas/queue-worker.mjs',
      config,
      'queue worker',
    );
    return new QueueWorker(child);
  }
}

/** What a queue spec shares: a Redis, photos on disk, an enqueuing app, its workers. */
export interface QueueFleet {
  readonly redis: RedisServer;
  /** A directory with `photo-1.png` … `photo-3.png`. */
  readonly dir: { path: string };
  /** The spec process's app (worker off unless `boot` says otherwise), set by `boot`. */
  app: TestApp;
  queue: PublishQueue;
  workers: QueueWorker[];
  /** Starts the spec's app with the queue extra laid over `{ worker: false }`. */
  boot(
    emulator: WecomEmulator,
    queue?: Record<string, unknown>,
    options?: EmulatorAppOptions,
    /** BullMQ's default job options (BullModule.forRoot's `defaultJobOptions`). */
    jobs?: Record<string, unknown>,
  ): Promise<void>;
  /** An album input of `key` with photos of the directory. */
  album(key: string, photos?: number): QueuedAlbumInput;
  /** The BullMQ job `jobId` as Redis holds it now. */
  job(jobId: string): Promise<Job<{ mark?: { sentAt: number; id?: string } }> | undefined>;
}

/**
 * A Redis of the describe block (flushed after each test), a directory of photos, and an app and
 * worker processes per test, stopped after it.
 */
export function queueFleet(): QueueFleet {
  const dir = scratchDir();
  const fleet = {
    dir,
    redis: undefined as unknown as RedisServer,
    workers: [] as QueueWorker[],
  } as QueueFleet;
  beforeAll(async () => {
    (fleet as { redis: RedisServer }).redis = await RedisServer.start();
    for (const n of [1, 2, 3])
      await writeFile(join(dir.path, `photo-${n}.png`), makePng(40 + n, 30));
  });
  afterAll(() => fleet.redis?.stop());
  afterEach(async () => {
    await Promise.all(fleet.workers.map((w) => w.stop()));
    fleet.workers = [];
    await fleet.app?.close();
    // Each test starts from an empty Redis: no queue, no keys, no shared budget.
    const { Redis } = await import('ioredis');
    const client = new Redis(fleet.redis.url);
    await client.flushall();
    client.disconnect();
  });
  fleet.boot = async (emulator, queue = {}, options = {}, jobs = {}) => {
    const { RedisStore } = await import('../../lib/index.js');
    const { Redis } = await import('ioredis');
    const client = new Redis(fleet.redis.url, { maxRetriesPerRequest: 1 });
    const connection = { host: '127.0.0.1', port: fleet.redis.port };
    const app = await bootApp(
      emulator,
      {
        store: new RedisStore(client),
        queue: { worker: false, retryDelayMs: 10, ...queue },
        ...options,
      },
      [BullModule.forRoot({ connection, defaultJobOptions: jobs })],
    );
    fleet.app = { ...app, close: () => app.close().finally(() => client.disconnect()) };
    fleet.queue = app.app.get(PublishQueue);
  };
  fleet.job = (jobId) => fleet.app.app.get<Queue>(getQueueToken('wecom-media')).getJob(jobId);
  fleet.album = (key, photos = 1) => ({
    key,
    description: `product ${key}`,
    priceFen: 1999,
    productSn: key,
    images: Array.from({ length: photos }, (_, i) => join(dir.path, `photo-${i + 1}.png`)),
  });
  return fleet;
}
