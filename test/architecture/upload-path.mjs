// Measures which lib files one upload runs through: boots the built package against the emulator,
// uploads a PNG from a path once (warm token, no fit, no cache), then again with V8's precise
// coverage counting calls, and prints the files (lib/…, from dist/…) with any function called.
import 'reflect-metadata';
import { Session } from 'node:inspector/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AttachmentService, AttachmentType, MediaType, WecomMediaModule } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';

const [pngBase64] = process.argv.slice(2);
if (!pngBase64) throw new Error('usage: node upload-path.mjs <a PNG in base64>');
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'wecom-path-'));
const path = join(dir, 'photo.png');
await writeFile(path, Buffer.from(pngBase64, 'base64'));

const emulator = await WecomEmulator.start();
const app = await NestFactory.createApplicationContext(
  {
    module: class UploadPathModule {
      name() {
        return 'upload path';
      }
    },
    imports: [
      WecomMediaModule.forRoot({
        corpId: emulator.corpId,
        corpSecret: emulator.corpSecret,
        baseUrl: emulator.url,
        warmUp: false,
      }),
    ],
  },
  { logger: false },
);
const service = app.get(AttachmentService);
const upload = () =>
  service.upload({ file: path, mediaType: MediaType.Image, attachmentType: AttachmentType.Moment });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
await upload(); // the token is fetched, and every lazy path taken once
await session.post('Profiler.takePreciseCoverage'); // resets the counts
await upload();
const { result } = await session.post('Profiler.takePreciseCoverage');
await session.post('Profiler.stopPreciseCoverage');
session.disconnect();

const files = result
  .filter((script) => script.url.startsWith(`file://${dist}`) && !script.url.includes('/testing/'))
  .filter((script) => script.functions.some((f) => f.ranges.some((r) => r.count > 0)))
  .map((script) => `lib/${relative(dist, fileURLToPath(script.url)).replace(/\.js$/, '.ts')}`)
  .toSorted();
await app.close();
await emulator.close();
await rm(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(files)}\n`);
