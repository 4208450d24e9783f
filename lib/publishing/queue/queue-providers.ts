import type { DynamicModule } from '@nestjs/common';
import { PublishQueue } from './publish-queue.js';
import { PublishWorker } from './publish-worker.js';
import { WECOM_QUEUE_SETTINGS, type QueueSettings } from './queue-settings.js';

/**
 * What the `queue` extra adds to the module: the queue's module (bullmq and @nestjs/bullmq
 * loaded then, not before), `PublishQueue`, exported, and the worker.
 */
export function withQueue(
  built: DynamicModule,
  settings: QueueSettings,
): Pick<DynamicModule, 'imports' | 'providers' | 'exports'> {
  const loaded = import('./queue-module.js').then(({ queueModule }) => queueModule(settings));
  // Nest awaits it when it compiles the app; a module defined and never compiled must not crash.
  loaded.catch(() => undefined);
  return {
    imports: [...(built.imports ?? []), loaded],
    providers: [
      ...(built.providers ?? []),
      { provide: WECOM_QUEUE_SETTINGS, useValue: settings },
      PublishQueue,
      PublishWorker,
    ],
    exports: [...(built.exports ?? []), PublishQueue],
  };
}
