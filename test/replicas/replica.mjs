// One replica: a Nest app context with the built package and a RedisStore, driven over IPC by
// test/redis/replicas.e2e.spec.ts. Plain Node, like a real deployment.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { AttachmentService, AttachmentType, MediaType, RedisStore } from 'nestjs-wecom-media';
import { wecomRootModule } from '../helpers/wecom-root-module.mjs';

/**
 * What the spec passes as the first argument, in JSON.
 * @typedef {object} ReplicaConfig
 * @property {string} [corpId]
 * @property {string} [corpSecret]
 * @property {{ suiteId: string, suiteSecret: string, suiteTicket: string,
 *   permanentCodes: Record<string, string> }} [suite] a third-party app instead of corpSecret
 * @property {Record<string, string>} [secrets] corp id → secret: secretFor instead of corpSecret
 * @property {string} baseUrl
 * @property {string} redisUrl
 * @property {number} [timeoutMs]
 * @property {boolean} [warmUp]
 * @property {boolean | { perMinute?: number, perHour?: number, maxWaitMs?: number }} [rateLimit]
 */

/**
 * How an upload failed, as the spec sorts failures.
 * @typedef {object} Failure
 * @property {string} name
 * @property {number} [errcode]
 * @property {boolean} [local]
 * @property {number} [attempts]
 */

/**
 * What the spec sends: upload `count` copies of a PNG (base64) at once — for the default corp,
 * or for each corp of `corps` as many as it says — or exit.
 * @typedef {{ cmd: 'upload', count: number, png: string, corps?: Record<string, number> }
 *   | { cmd: 'exit' }} ReplicaCommand
 */

const send = process.send?.bind(process);
if (!send) throw new Error('a replica answers its spec over IPC: fork() it');
const [configJson] = process.argv.slice(2);
if (!configJson) throw new Error('usage: replica.mjs <ReplicaConfig JSON>');
const config = /** @type {ReplicaConfig} */ (JSON.parse(configJson));
const redis = new Redis(config.redisUrl, {
  commandTimeout: 500,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
});
// A spec may stop Redis: ioredis reports that as 'error' events, noise unless someone listens.
redis.on('error', () => undefined);
await redis.connect();
const { suite, secrets } = config;
const app = await NestFactory.createApplicationContext(
  wecomRootModule(
    { url: config.baseUrl, corpId: config.corpId ?? '', corpSecret: config.corpSecret ?? '' },
    {
      timeoutMs: config.timeoutMs,
      store: new RedisStore(redis),
      ...(config.warmUp !== undefined && { warmUp: config.warmUp }),
      ...(config.rateLimit !== undefined && { rateLimit: config.rateLimit }),
      // The suite's callbacks as an app would write them, reading what it stored.
      ...(suite && {
        suite: {
          suiteId: suite.suiteId,
          suiteSecret: suite.suiteSecret,
          suiteTicket: () => suite.suiteTicket,
          permanentCode: (corpId) => suite.permanentCodes[corpId] ?? '',
        },
      }),
      ...(secrets && { secretFor: (corpId) => secrets[corpId] ?? '' }),
    },
  ),
  { logger: false },
);
const attachments = app.get(AttachmentService);

process.on('message', async (received) => {
  const message = /** @type {ReplicaCommand} */ (received);
  if (message.cmd === 'exit') {
    await app.close();
    redis.disconnect();
    process.exit(0);
  }
  if (message.cmd === 'upload') {
    const file = Buffer.from(message.png, 'base64');
    /** @type {Array<string | undefined>} */
    const corps = message.corps
      ? Object.entries(message.corps).flatMap(([corp, n]) => Array(n).fill(corp))
      : Array(message.count).fill(undefined);
    const outcomes = await Promise.allSettled(
      corps.map((corpId, i) =>
        attachments.upload({
          file,
          filename: `${process.pid}-${i}.png`,
          mediaType: MediaType.Image,
          attachmentType: AttachmentType.Moment,
          ...(corpId && { corpId }),
        }),
      ),
    );
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    send({
      ok: outcomes.filter((o) => o.status === 'fulfilled').length,
      errors: rejected.map(String),
      /** @type {Failure[]} */
      failures: rejected.map((e) => ({
        name: e?.name,
        errcode: e?.errcode,
        local: e?.local,
        attempts: e?.attempts,
      })),
    });
  }
});
send({ ready: true });
