// Boots the built package in plain Node, without the queue extra (`without`) or with it (`with
// <redis url>`), and prints whether bullmq or @nestjs/bullmq was loaded: V8's coverage lists every
// script compiled since it started, ESM and CommonJS alike, so it starts before anything loads.
import { Session } from 'node:inspector/promises';

const [mode, redisUrl] = process.argv.slice(2);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });

await import('reflect-metadata');
const { NestFactory } = await import('@nestjs/core');
const { WecomMediaModule } = await import('nestjs-wecom-media');
const { WecomEmulator } = await import('nestjs-wecom-media/testing');
const emulator = await WecomEmulator.start();
const wecom = { corpId: emulator.corpId, corpSecret: emulator.corpSecret, baseUrl: emulator.url };
/** @type {unknown[]} */
const imports = [];
if (mode === 'with') {
  const { BullModule } = await import('@nestjs/bullmq');
  const { hostname, port } = new URL(redisUrl ?? '');
  imports.push(BullModule.forRoot({ connection: { host: hostname, port: Number(port) } }));
}
imports.push(
  WecomMediaModule.forRoot({ ...wecom, warmUp: false, ...(mode === 'with' && { queue: true }) }),
);
const app = await NestFactory.createApplicationContext(
  {
    module: class QueuePeersModule {
      name() {
        return 'queue peers';
      }
    },
    imports: /** @type {any[]} */ (imports),
  },
  { logger: false },
);
await app.init();
const { result } = await session.post('Profiler.takePreciseCoverage');
session.disconnect();
const loaded = (/** @type {string} */ name) =>
  result.some((script) => script.url.includes(`/node_modules/${name}/`));
await app.close();
await emulator.close();
console.log(JSON.stringify({ bullmq: loaded('bullmq'), nestBullmq: loaded('@nestjs/bullmq') }));
