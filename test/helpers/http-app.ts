import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { WecomMediaControllerOptions } from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { LogCapture } from './log-capture.js';
import { compileWithEmulator, type ExtraOptions } from './testing-app.js';

/** A listening Nest HTTP app with the upload controller, its temp dir and its logs. */
export interface HttpApp {
  app: INestApplication;
  url: string;
  logs: LogCapture;
  tempDir: string;
  /** Every file left under the temp dir (the module's spool folder included). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function bootHttpApp(
  emulator: WecomEmulator,
  controller: boolean | WecomMediaControllerOptions = true,
  options: ExtraOptions = {},
): Promise<HttpApp> {
  const tempDir = await mkdtemp(join(tmpdir(), 'wecom-http-'));
  const logs = new LogCapture();
  const moduleRef = await compileWithEmulator(emulator, logs, { tempDir, controller, ...options });
  const app = moduleRef.createNestApplication({ logger: logs });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    url: await app.getUrl(),
    logs,
    tempDir,
    leftovers: async () =>
      (await readdir(tempDir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => e.name),
    close: async () => {
      await app.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
