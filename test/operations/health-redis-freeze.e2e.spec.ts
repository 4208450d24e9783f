// The probe while Redis is frozen (SIGSTOP: the connection stays open, nothing answers), with
// ioredis left at its defaults as most apps leave it (the review of issue 23: it held).
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, RedisStore } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { freePort, requireRedisServer } from '../helpers/redis-server.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { bootHealthApp } from './health-app.js';

describe.skipIf(!requireRedisServer())('the probe and a frozen Redis (SIGSTOP)', () => {
  const s = emulatorSuite({ app: false });
  let redis: ChildProcess;
  let url: string;
  const clients: Redis[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise<void>((resolve) => {
      let out = '';
      redis.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
    });
  });
  afterAll(async () => {
    redis.kill('SIGCONT');
    for (const client of clients) client.disconnect();
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;
  });

  const client = (): Redis => {
    const c = new Redis(url); // ioredis's defaults: no commandTimeout, an offline queue
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  it('storeRequired is down (not hung) and the token stays held; a replica started during the freeze boots and is up', async () => {
    const options = {
      corpId: s.emulator.corpId,
      corpSecret: s.emulator.corpSecret,
      baseUrl: s.emulator.url,
      storeTimeoutMs: 300,
    };
    const app = await bootHealthApp({ ...options, store: new RedisStore(client()) });
    try {
      await app.service.upload({
        file: makePng(8, 8),
        filename: 'a.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
      expect((await app.probe('?storeRequired=true')).status).toBe(200);

      redis.kill('SIGSTOP');
      const frozen = await app.probe('?storeRequired=true');
      expect(frozen.status).toBe(503);
      expect(frozen.body.details.wecom).toMatchObject({
        failed: 'store',
        store: 'down',
        token: 'held',
      });
      const relaxed = await app.probe();
      expect(relaxed.status).toBe(200);

      const fresh = await bootHealthApp({ ...options, store: new RedisStore(client()) });
      try {
        const probe = await fresh.probe();
        expect(probe.status).toBe(200);
        expect(probe.body.details.wecom).toMatchObject({ store: 'down' });
      } finally {
        redis.kill('SIGCONT');
        await fresh.close();
      }
    } finally {
      redis.kill('SIGCONT');
      await app.close();
    }
  });
});
