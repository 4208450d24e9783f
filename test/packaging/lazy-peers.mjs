// Boots the built package without an HTTP platform (whose Express adapter loads multer itself),
// without the upload controller and without fit, uploads one PNG through the service, and prints
// whether multer, sharp or @opentelemetry/api was loaded (all CommonJS: once loaded, they sit in
// require.cache), and whether /health then loads. Run with `--import test/helpers/hide-packages.mjs`
// and HIDE_PACKAGES, it shows the main entry working without the packages hidden.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import { AttachmentService, AttachmentType, MediaType, WecomMediaModule } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';

const [pngBase64] = process.argv.slice(2);
if (!pngBase64) throw new Error('usage: node lazy-multer.mjs <a PNG in base64>');
const png = Buffer.from(pngBase64, 'base64');
/** @param {string} name */
const loaded = (name) =>
  Object.keys(createRequire(import.meta.url).cache).some((path) =>
    path.includes(`/node_modules/${name}/`),
  );

// The optional peer @opentelemetry/api (installed here) is loaded while the module boots, never
// when the package is imported: CommonJS, like multer and sharp.
const otelAtImport = loaded('@opentelemetry/api');
const emulator = await WecomEmulator.start();
const app = await NestFactory.createApplicationContext(
  {
    module: class LazyMulterModule {
      name() {
        return 'lazy multer check';
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
await app.get(AttachmentService).upload({
  file: png,
  filename: 'a.png',
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
});
const multerLoaded = loaded('multer');
const sharpLoaded = loaded('sharp');
const otelAtBoot = loaded('@opentelemetry/api');
// Needs @nestjs/terminus: its failing with the package hidden shows that the hiding works.
const health = await import('nestjs-wecom-media/health').then(
  () => 'loaded',
  (/** @type {{ code?: string }} */ error) => error.code ?? 'failed',
);
await app.close();
await emulator.close();
console.log(
  JSON.stringify({
    multerLoaded,
    sharpLoaded,
    otelAtImport,
    otelAtBoot,
    health,
    uploads: emulator.uploads.length,
  }),
);
