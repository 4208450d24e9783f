// Loads the built package by its name, as an app that installed it would, and uploads one PNG
// to the emulator through a real Nest app. Prints a JSON line for the packaging test.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AttachmentService, AttachmentType, MediaType, WecomMediaModule } from 'nestjs-wecom-media';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { WecomHealthIndicator, WecomHealthModule } from 'nestjs-wecom-media/health';
import { TerminusModule } from '@nestjs/terminus';

const emulator = await WecomEmulator.start();
const AppModule = {
  // A dynamic module whose class Nest only uses as a key: plain Node has no decorators.
  module: class AppModule {
    name() {
      return 'packaging smoke test';
    }
  },
  imports: [
    TerminusModule,
    WecomHealthModule,
    WecomMediaModule.forRoot({
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      baseUrl: emulator.url,
    }),
  ],
};
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const [pngBase64] = process.argv.slice(2);
if (!pngBase64) throw new Error('usage: node smoke.mjs <a PNG in base64>');
const png = Buffer.from(pngBase64, 'base64');
const result = await app.get(AttachmentService).upload({
  file: png,
  filename: 'smoke.png',
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
});
const { wecom } = await app.get(WecomHealthIndicator).isHealthy('wecom');
await app.close();
await emulator.close();
console.log(
  JSON.stringify({ mediaId: result.mediaId, uploads: emulator.uploads.length, health: wecom }),
);
