import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../helpers/media-bytes.mjs';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';

const run = promisify(execFile);
const scripts = join(import.meta.dirname, '..', 'packaging');

/** Runs a script of test/packaging in plain Node and parses the JSON of its last line. */
async function script<T>(name: string, ...args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [join(scripts, name), ...args]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

// dist is built by `npm test` (or test/global-setup.ts): the built package, in plain Node.
describe.skipIf(!requireRedisServer())('the queue in the built package', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.stop());

  it('loads neither bullmq nor @nestjs/bullmq without the queue extra, and both with it', async () => {
    expect(await script('queue-peers.mjs', 'without')).toEqual({
      bullmq: false,
      nestBullmq: false,
    });
    expect(await script('queue-peers.mjs', 'with', redis.url)).toEqual({
      bullmq: true,
      nestBullmq: true,
    });
  });

  it('runs in a CommonJS app: the package and @nestjs/bullmq through require()', async () => {
    const png = makePng(32, 32).toString('base64');
    expect(await script('queue-app.cjs', redis.url, png)).toEqual({
      productId: expect.stringMatching(/\S{10,}/),
      albums: 1,
    });
  });
});
