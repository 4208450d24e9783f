import 'reflect-metadata';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { useContainer } from 'class-validator';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { AppModule, type SampleConfig } from './app.module.js';

/** A running sample: the app, its URL, and the emulator when there is one. */
export interface SampleApp {
  url: string;
  emulator?: WecomEmulator;
  close(): Promise<void>;
}

export interface SampleOptions {
  port: number;
  host: string;
  /** Real credentials; without them the WeCom emulator starts in-process. */
  corpId?: string;
  corpSecret?: string;
  /** The language of the module's messages. Default 'en'. */
  locale?: 'en' | 'zh-CN';
  logger?: LoggerService | false;
  /** Run last when the app shuts down (after its server closed): flushing the traces, say. */
  onShutdown?: () => Promise<void>;
}

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

/** Starts the sample app against the real WeCom or, without credentials, the emulator. */
export async function startSample(options: SampleOptions): Promise<SampleApp> {
  const logger = new Logger('Sample');
  let emulator: WecomEmulator | undefined;
  let config: SampleConfig;
  const locale = options.locale ?? 'en';
  if (options.corpId && options.corpSecret) {
    config = { corpId: options.corpId, corpSecret: options.corpSecret, locale };
  } else {
    emulator = await WecomEmulator.start();
    config = {
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      baseUrl: emulator.url,
      emulator,
      locale,
    };
  }
  // Said first, so nobody mistakes the emulator's media_ids for real ones.
  if (emulator) {
    logger.log(
      `No WECOM_CORP_ID / WECOM_CORP_SECRET set: uploads go to the built-in WeCom emulator at ${emulator.url}`,
    );
  } else {
    logger.log(`Uploading to the real WeCom for corp ${config.corpId}`);
  }
  // glibc keeps the image memory sharp's threads free in arenas of their own; sharp advises
  // capping them. glibc reads the variable when the process starts: `npm start` sets it.
  const arenas = process.env.MALLOC_ARENA_MAX;
  logger.log(
    arenas
      ? `MALLOC_ARENA_MAX=${arenas}: glibc's arenas capped for fitting, as sharp advises (docs/fit.md)`
      : 'MALLOC_ARENA_MAX is unset: on glibc Linux, fitting takes more memory (docs/fit.md); npm start sets it to 2',
  );
  const root = AppModule.register({ ...config, onShutdown: options.onShutdown });
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger: options.logger,
  });
  // The publishing DTOs judge by the module's rules, in its locale, through Nest's container.
  useContainer(app.select(root), { fallbackOnErrors: true });
  app.useStaticAssets(publicDir);
  // SIGTERM or SIGINT: finish the uploads under way, close the server, run onShutdown, then end.
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  logger.log(`Open ${url}/ to upload a file`);
  return {
    url,
    emulator,
    close: async () => {
      await app.close();
      await emulator?.close();
    },
  };
}
