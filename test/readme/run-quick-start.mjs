// Runs the README's quick start, compiled by the README test, against the emulator: boots its
// AppModule as an app would and publishes one PNG through ProductImages. Prints a JSON line.
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { makePng } from '../helpers/media-bytes.mjs';

const [compiled] = process.argv.slice(2);
if (!compiled) throw new Error('usage: run-quick-start.mjs <compiled quick start>');
const emulator = await WecomEmulator.start();
// What `npx wecom-emulator` tells a user to set.
process.env.WECOM_CORP_ID = emulator.corpId;
process.env.WECOM_CORP_SECRET = emulator.corpSecret;
process.env.WECOM_BASE_URL = emulator.url;
const dir = await mkdtemp(join(tmpdir(), 'quick-start-'));
try {
  const path = join(dir, 'product.png');
  await writeFile(path, makePng(800, 600));
  const { AppModule, ProductImages } = await import(pathToFileURL(compiled).href);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const { mediaId } = await app.get(ProductImages).publish(path);
  await app.close();
  const [upload] = emulator.uploads;
  console.log(
    JSON.stringify({ mediaId, uploaded: upload?.mediaId, filename: upload?.upload?.filename }),
  );
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
