import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AttachmentService,
  WecomMediaModule,
  type AccessTokenProvider,
  type WecomMediaModuleExtras,
  type WecomMediaModuleOptions,
  type WecomMediaSecretOptions,
} from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { LogCapture } from './log-capture.js';

/** A booted Nest app with the module pointed at `emulator`, and its captured logs. */
export interface TestingApp {
  app: INestApplication;
  service: AttachmentService;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Options laid over the emulator's defaults; `corpSecret` may be swapped for a wrong one, or for a
 * `tokenProvider`.
 */
export type ExtraOptions = Omit<Partial<WecomMediaSecretOptions>, 'tokenProvider'> & {
  tokenProvider?: AccessTokenProvider;
};

/** A compiled testing module with the module pointed at `emulator`, logging into `logs`. */
export function compileWithEmulator(
  emulator: WecomEmulator,
  logs: LogCapture,
  options: ExtraOptions & WecomMediaModuleExtras = {},
): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      WecomMediaModule.forRoot({
        corpId: emulator.corpId,
        ...(options.tokenProvider ? {} : { corpSecret: emulator.corpSecret }),
        baseUrl: emulator.url,
        retry: { baseDelayMs: 10, maxDelayMs: 20 }, // fast backoff keeps the suite quick
        // Each spec counts the calls its uploads make; warm-up's own calls have their own spec.
        warmUp: false,
        ...options,
      } as WecomMediaModuleOptions & WecomMediaModuleExtras),
    ],
  })
    .setLogger(logs)
    .compile();
}

export async function bootApp(
  emulator: WecomEmulator,
  options: ExtraOptions = {},
): Promise<TestingApp> {
  const logs = new LogCapture();
  const moduleRef = await compileWithEmulator(emulator, logs, options);
  const app = moduleRef.createNestApplication({ logger: logs });
  await app.init();
  return { app, service: app.get(AttachmentService), logs, close: () => app.close() };
}
