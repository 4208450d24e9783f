// One replica: a Nest app context with the built package and a RedisStore, driven over IPC by
// test/redis/replicas.e2e.spec.ts. Plain Node, like a real deployment.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import {
  AttachmentService,
  AttachmentType,
  MediaType,
  RedisStore,
  WecomMediaModule,
} from 'nestjs-wecom-media';

const config = JSON.parse(process.argv[2]);
const redis = new Redis(config.redisUrl, {
  commandTimeout: 500,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
});
await redis.connect();
const app = await NestFactory.createApplicationContext(
  {
    module: class ReplicaModule {
      name() {
        return `replica ${process.pid}`;
      }
    },
    imports: [
      WecomMediaModule.forRoot({
        corpId: config.corpId,
        corpSecret: config.corpSecret,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs ?? 30_000,
        store: new RedisStore(redis),
      }),
    ],
  },
  { logger: false },
);
const attachments = app.get(AttachmentService);

process.on('message', async (message) => {
  if (message.cmd === 'exit') {
    await app.close();
    redis.disconnect();
    process.exit(0);
  }
  if (message.cmd === 'upload') {
    const file = Buffer.from(message.png, 'base64');
    const outcomes = await Promise.allSettled(
      Array.from({ length: message.count }, (_, i) =>
        attachments.upload({
          file,
          filename: `${process.pid}-${i}.png`,
          mediaType: MediaType.Image,
          attachmentType: AttachmentType.Moment,
        }),
      ),
    );
    process.send({
      ok: outcomes.filter((o) => o.status === 'fulfilled').length,
      errors: outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason)),
    });
  }
});
process.send({ ready: true });
