// One queue worker: a Nest app context with the built package, BullModule on a Redis and the
// `queue` extra, driven over IPC by the queue specs and the scale bench. Plain Node, as deployed.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { Redis } from 'ioredis';
import { RedisStore } from 'nestjs-wecom-media';
import { wecomRootModule } from '../helpers/wecom-root-module.mjs';

/**
 * What the spec passes as the first argument, in JSON.
 * @typedef {object} QueueWorkerConfig
 * @property {string} baseUrl
 * @property {string} corpId
 * @property {string} corpSecret
 * @property {string} redisUrl
 * @property {Record<string, unknown>} [queue] the queue extra (worker on)
 * @property {Record<string, unknown>} [options] more module options (rateLimit, timeoutMs, fit…)
 * @property {boolean} [sharpCacheOff] as the README advises an app that fits: `sharp.cache(false)`
 */

const send = process.send?.bind(process);
if (!send) throw new Error('a queue worker answers its spec over IPC: fork() it');
const [configJson] = process.argv.slice(2);
if (!configJson) throw new Error('usage: queue-worker.mjs <QueueWorkerConfig JSON>');
const config = /** @type {QueueWorkerConfig} */ (JSON.parse(configJson));
if (config.sharpCacheOff) (await import('sharp')).default.cache(false);
const { hostname, port } = new URL(config.redisUrl);
const redis = new Redis(config.redisUrl, { commandTimeout: 1_000, maxRetriesPerRequest: 1 });
const root = wecomRootModule(
  { url: config.baseUrl, corpId: config.corpId, corpSecret: config.corpSecret },
  {
    store: new RedisStore(redis),
    warmUp: false,
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
    ...config.options,
    queue: { retryDelayMs: 10, ...config.queue },
  },
);
const app = await NestFactory.createApplicationContext(
  {
    ...root,
    imports: [
      BullModule.forRoot({ connection: { host: hostname, port: Number(port) } }),
      ...(root.imports ?? []),
    ],
  },
  { logger: process.env.QUEUE_WORKER_LOGS ? ['log', 'warn', 'error'] : false },
);
await app.init();

process.on('message', async (received) => {
  const message = /** @type {{ cmd: 'exit' | 'rss' }} */ (received);
  if (message.cmd === 'rss') send({ rss: process.memoryUsage().rss });
  if (message.cmd === 'exit') {
    await app.close();
    redis.disconnect();
    process.exit(0);
  }
});
send({ ready: true });
