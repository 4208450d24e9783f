// Run with `--import test/helpers/hide-packages.mjs` and HIDE_PACKAGES=@nestjs/terminus,
// @opentelemetry/api: the main entry boots and uploads as in an app that installed neither, and
// `/health` (which needs Terminus) fails to load, which shows the hiding works. Prints a JSON line.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import { AttachmentService, AttachmentType, MediaType, WecomMediaModule } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';

const [pngBase64] = process.argv.slice(2);
if (!pngBase64) throw new Error('usage: node without-peers.mjs <a PNG in base64>');
const loaded = (/** @type {string} */ name) =>
  Object.keys(createRequire(import.meta.url).cache).some((path) =>
    path.includes(`/node_modules/${name}/`),
  );

const emulator = await WecomEmulator.start();
const app = await NestFactory.createApplicationContext(
  {
    module: class WithoutPeersModule {
      name() {
        return 'main entry without optional peers';
      }
    },
    imports: [
      WecomMediaModule.forRoot({
        corpId: emulator.corpId,
        corpSecret: emulator.corpSecret,
        baseUrl: emulator.url,
      }),
    ],
  },
  { logger: false },
);
const { mediaId } = await app.get(AttachmentService).upload({
  file: Buffer.from(pngBase64, 'base64'),
  filename: 'a.png',
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
});
const health = await import('nestjs-wecom-media/health').then(
  () => 'loaded',
  (/** @type {{ code?: string }} */ error) => error.code ?? 'failed',
);
const otelLoaded = loaded('@opentelemetry/api');
await app.close();
await emulator.close();
console.log(JSON.stringify({ uploaded: typeof mediaId === 'string', health, otelLoaded }));
