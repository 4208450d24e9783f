// Loaded only when the `queue` extra is set (a dynamic import): the optional peers bullmq and
// @nestjs/bullmq are never loaded otherwise.
import { Module, type DynamicModule } from '@nestjs/common';
import { WECOM_BULL, type BullHandle, type QueueSettings } from './queue-settings.js';

/** Holds the registered queue; its name says whose it is in Nest's errors. */
@Module({})
class WecomMediaQueueModule {}

/**
 * The module that registers the queue on the app's `BullModule.forRoot` connection, and gives
 * the queue and bullmq's classes to the publishing queue and its worker.
 */
export async function queueModule({ name }: QueueSettings): Promise<DynamicModule> {
  let nest: typeof import('@nestjs/bullmq');
  let bullmq: typeof import('bullmq');
  try {
    [nest, bullmq] = await Promise.all([import('@nestjs/bullmq'), import('bullmq')]);
  } catch (error) {
    throw new Error(
      'the queue extra needs the optional peers bullmq and @nestjs/bullmq: npm install bullmq @nestjs/bullmq',
      { cause: error },
    );
  }
  return {
    module: WecomMediaQueueModule,
    imports: [nest.BullModule.registerQueue({ name })],
    providers: [
      {
        provide: WECOM_BULL,
        useFactory: (queue: BullHandle['queue']): BullHandle => ({ queue, bullmq }),
        inject: [nest.getQueueToken(name)],
      },
    ],
    exports: [WECOM_BULL],
  };
}
