// Many corps: how many token calls 1,000 uploads spread over 100 corps make when 4 replica
// processes share a real redis-server (a third-party app, and a 代开发 app with one secret per
// corp), and what the per-corp token lookup adds to an upload on a warm cache, in this process.
// `node bench/corps.mjs [--quick]` runs it alone, against dist/ (build first).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WECOM_ACCESS_TOKEN_PROVIDER } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { makePng } from '../test/helpers/media-bytes.mjs';
import { RedisServer, hasRedisServer } from '../test/helpers/redis-server.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Token calls of one token source over the run.
 * @typedef {object} CorpsTokenRow
 * @property {string} app `suite` (third-party) or `secretFor` (代开发)
 * @property {number} corps
 * @property {number} replicas
 * @property {number} uploads
 * @property {number} failed
 * @property {number} suiteTokenCalls get_suite_token
 * @property {number} corpTokenCalls get_corp_token or gettoken
 * @property {number} perCorp corp-token calls per corp (the target: 1 per token lifetime)
 */

/**
 * The warm lookup of one corp's token, per call.
 * @typedef {object} CorpsLookupRow
 * @property {string} module `a token in a variable` (the baseline: what a hand-written client for
 *   one corp does), `one corp (corpSecret)` or `100 corps (secretFor)`
 * @property {number} lookups
 * @property {number} p50Us
 * @property {number} p99Us
 */

/**
 * The many-corps bench's figures.
 * @typedef {object} CorpsResults
 * @property {CorpsTokenRow[]} tokens
 * @property {CorpsLookupRow[]} lookup
 * @property {number} addedP50Us the 100-corp lookup's p50 over the baseline's
 * @property {string} [skipped] why the replica rows are missing (no redis-server here)
 */

const SUITE_ID = 'wwbenchsuite0001';
/** @param {number} i */
const corpOf = (i) => `wwbenchcorp${String(i).padStart(6, '0')}`;

/**
 * @param {number[]} sorted
 * @param {number} p
 */
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * Runs the many-corps figures.
 * @param {{ quick: boolean }} options
 * @returns {Promise<CorpsResults>}
 */
export async function benchCorps({ quick }) {
  const corps = Array.from({ length: 100 }, (_, i) => corpOf(i));
  const secrets = Object.fromEntries(corps.map((c) => [c, `secret-${c}`]));
  const codes = Object.fromEntries(corps.map((c) => [c, `code-${c}`]));
  const emulator = await WecomEmulator.start({
    hashUploads: false,
    apps: corps.map((corpId) => ({ corpId, corpSecret: secrets[corpId] ?? '' })),
    suites: [
      {
        suiteId: SUITE_ID,
        suiteSecret: 'bench-suite-secret',
        suiteTicket: 't',
        permanentCodes: codes,
      },
    ],
  });
  try {
    const lookup = await lookups(emulator, corps, secrets, quick ? 20_000 : 200_000);
    const baseline = lookup[0];
    const many = lookup.at(-1);
    const addedP50Us = (many?.p50Us ?? 0) - (baseline?.p50Us ?? 0);
    if (!hasRedisServer()) {
      if (process.env.CI === 'true') throw new Error('the corps bench needs redis-server on CI');
      return { tokens: [], lookup, addedP50Us, skipped: 'no redis-server on this machine' };
    }
    const redis = await RedisServer.start();
    try {
      const tokens = [];
      for (const app of /** @type {const} */ (['suite', 'secretFor'])) {
        tokens.push(
          await replicaRun(emulator, redis.url, app, corps, { secrets, codes, uploads: 1000 }),
        );
        await redisFlush(redis.url);
      }
      return { tokens, lookup, addedP50Us };
    } finally {
      await redis.stop();
    }
  } finally {
    await emulator.close();
  }
}

/**
 * 4 replicas, cold, 1,000 uploads spread evenly over the corps (250 a replica, 50 at a time).
 * @param {WecomEmulator} emulator
 * @param {string} redisUrl
 * @param {'suite' | 'secretFor'} app
 * @param {string[]} corps
 * @param {{ secrets: Record<string, string>, codes: Record<string, string>, uploads: number }} given
 * @returns {Promise<CorpsTokenRow>}
 */
async function replicaRun(emulator, redisUrl, app, corps, { secrets, codes, uploads }) {
  emulator.reset();
  const config = {
    baseUrl: emulator.url,
    redisUrl,
    ...(app === 'suite'
      ? {
          suite: {
            suiteId: SUITE_ID,
            suiteSecret: 'bench-suite-secret',
            suiteTicket: 't',
            permanentCodes: codes,
          },
        }
      : { secrets }),
  };
  const REPLICAS = 4;
  const children = await Promise.all(
    Array.from({ length: REPLICAS }, async () => {
      const child = fork(join(here, '../test/replicas/replica.mjs'), [JSON.stringify(config)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await once(child, 'message');
      return child;
    }),
  );
  const png = makePng(64, 48).toString('base64');
  let failed = 0;
  try {
    const perReplica = uploads / REPLICAS;
    for (let sent = 0; sent < perReplica; sent += 50) {
      const reports = await Promise.all(
        children.map(async (child, r) => {
          /** @type {Record<string, number>} */
          const share = {};
          for (let i = sent; i < Math.min(sent + 50, perReplica); i++) {
            const corp = corps[(r * perReplica + i) % corps.length] ?? '';
            share[corp] = (share[corp] ?? 0) + 1;
          }
          const answer = once(child, 'message');
          child.send({ cmd: 'upload', count: 0, png, corps: share });
          return /** @type {{ ok: number, errors: string[] }} */ ((await answer)[0]);
        }),
      );
      failed += reports.reduce((n, r) => n + r.errors.length, 0);
    }
  } finally {
    await Promise.all(
      children.map(async (child) => {
        const exited = once(child, 'exit');
        child.send({ cmd: 'exit' });
        await exited;
      }),
    );
  }
  const suiteTokenCalls = emulator.callsOf('get_suite_token').length;
  const corpTokenCalls =
    emulator.callsOf('get_corp_token').length + emulator.callsOf('gettoken').length;
  return {
    app,
    corps: corps.length,
    replicas: REPLICAS,
    uploads,
    failed,
    suiteTokenCalls,
    corpTokenCalls,
    perCorp: corpTokenCalls / corps.length,
  };
}

/**
 * The warm path: the token of one corp, looked up `n` times, for a module serving one corp and
 * for one serving 100 (round robin), in this process.
 * @param {WecomEmulator} emulator
 * @param {string[]} corps
 * @param {Record<string, string>} secrets
 * @param {number} n
 * @returns {Promise<CorpsLookupRow[]>}
 */
async function lookups(emulator, corps, secrets, n) {
  const [first = ''] = corps;
  /** @type {Array<[string, import('@nestjs/common').DynamicModule, string[]]>} */
  const modules = [
    [
      'one corp (corpSecret)',
      wecomRootModule({ url: emulator.url, corpId: first, corpSecret: secrets[first] ?? '' }),
      [first],
    ],
    [
      `${corps.length} corps (secretFor)`,
      wecomRootModule(
        { url: emulator.url, corpId: first, corpSecret: '' },
        { secretFor: (corpId) => secrets[corpId] ?? '' },
      ),
      corps,
    ],
  ];
  /** @type {CorpsLookupRow[]} */
  const rows = [];
  // The baseline: the token an app's own code keeps in a variable, behind the same await.
  {
    const held = 'a-token-in-a-variable';
    const getToken = async () => held;
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const start = process.hrtime.bigint();
      await getToken();
      times[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
    const sorted = [...times].toSorted((a, b) => a - b);
    rows.push({
      module: 'a token in a variable',
      lookups: n,
      p50Us: percentile(sorted, 0.5),
      p99Us: percentile(sorted, 0.99),
    });
  }
  for (const [name, root, served] of modules) {
    const app = await NestFactory.createApplicationContext(root, { logger: false });
    try {
      const provider =
        /** @type {import('nestjs-wecom-media').AccessTokenProvider} */
        (app.get(WECOM_ACCESS_TOKEN_PROVIDER));
      for (const corpId of served) await provider.getToken({ corpId }); // warm
      const times = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const corpId = served[i % served.length] ?? first;
        const start = process.hrtime.bigint();
        await provider.getToken({ corpId });
        times[i] = Number(process.hrtime.bigint() - start) / 1000;
      }
      const sorted = [...times].toSorted((a, b) => a - b);
      rows.push({
        module: name,
        lookups: n,
        p50Us: percentile(sorted, 0.5),
        p99Us: percentile(sorted, 0.99),
      });
    } finally {
      await app.close();
    }
  }
  return rows;
}

/**
 * Empties the store between two runs, so that each starts cold.
 * @param {string} url
 */
async function redisFlush(url) {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  await client.flushall();
  client.disconnect();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(await benchCorps({ quick: process.argv.includes('--quick') }), null, 2),
  );
}
