// A CommonJS app of the queue: the package and @nestjs/bullmq (both ESM) through require()
// (Node >= 20.19 loads ESM from CommonJS), a worker in this process, one album enqueued and
// waited for. Prints the album's id and how many WeCom made.
require('reflect-metadata');
const { writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { NestFactory } = require('@nestjs/core');
const { BullModule } = require('@nestjs/bullmq');
const { PublishQueue, WecomMediaModule } = require('nestjs-wecom-media');
const { WecomEmulator } = require('nestjs-wecom-media/testing');

async function main() {
  const [redisUrl = '', pngBase64 = ''] = process.argv.slice(2);
  const photo = join(mkdtempSync(join(tmpdir(), 'wecom-cjs-')), 'photo.png');
  writeFileSync(photo, Buffer.from(pngBase64, 'base64'));
  const emulator = await WecomEmulator.start();
  const { hostname, port } = new URL(redisUrl);
  class CjsQueueModule {
    name() {
      return 'a CommonJS app of the queue';
    }
  }
  const app = await NestFactory.createApplicationContext(
    {
      module: CjsQueueModule,
      imports: [
        BullModule.forRoot({ connection: { host: hostname, port: Number(port) } }),
        WecomMediaModule.forRoot({
          corpId: emulator.corpId,
          corpSecret: emulator.corpSecret,
          baseUrl: emulator.url,
          warmUp: false,
          queue: { name: 'cjs-app' },
        }),
      ],
    },
    { logger: false },
  );
  await app.init();
  const queue = app.get(PublishQueue);
  await queue.createAlbum({
    key: 'CJS1',
    description: 'from CommonJS',
    priceFen: 100,
    images: [photo],
  });
  const { productId } = await queue.wait('CJS1', { kind: 'album', timeoutMs: 20000 });
  await app.close();
  await emulator.close();
  console.log(JSON.stringify({ productId, albums: emulator.albums.length }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
