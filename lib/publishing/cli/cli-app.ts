import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { WecomMediaModuleOptions } from '../../options/wecom-media-options.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import { RedisStore, type RedisClientLike } from '../../store/redis.store.js';
import { WecomMediaModule } from '../../wecom-media.module.js';

/** A problem with how the CLI was started (arguments, environment): said, then exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The corp the CLI acts for, from the environment; `dryRun` lets a run without one check rows. */
export function credentialsFrom(
  env: NodeJS.ProcessEnv,
  dryRun: boolean,
): { options: WecomMediaModuleOptions; corpId: string | undefined } {
  const corpId = env.WECOM_CORP_ID || undefined;
  const base = {
    ...(env.WECOM_BASE_URL ? { baseUrl: env.WECOM_BASE_URL } : {}),
    ...(env.WECOM_LOCALE === 'zh-CN' ? { locale: 'zh-CN' as const } : {}),
  };
  const { WECOM_SUITE_ID: suiteId, WECOM_SUITE_SECRET: suiteSecret } = env;
  const { WECOM_SUITE_TICKET: ticket, WECOM_PERMANENT_CODE: code } = env;
  if (corpId && env.WECOM_CORP_SECRET) {
    return { options: { ...base, corpId, corpSecret: env.WECOM_CORP_SECRET }, corpId };
  }
  if (corpId && suiteId && suiteSecret && ticket && code) {
    const suite = { suiteId, suiteSecret, suiteTicket: () => ticket, permanentCode: () => code };
    return { options: { ...base, corpId, suite }, corpId };
  }
  // A dry run sends nothing: it needs no secret, only a corp to look keys up for, if any.
  if (dryRun) {
    return { options: { ...base, corpId: corpId ?? 'wwdryrun', corpSecret: 'dry-run' }, corpId };
  }
  throw new UsageError(
    'set WECOM_CORP_ID and WECOM_CORP_SECRET (or, for a third-party app, WECOM_CORP_ID, WECOM_SUITE_ID, WECOM_SUITE_SECRET, WECOM_SUITE_TICKET and WECOM_PERMANENT_CODE); WECOM_BASE_URL points elsewhere than WeCom',
  );
}

/** A Redis client for WECOM_REDIS_URL (ioredis, an optional peer), and how to let it go. */
export async function redisFor(url: string): Promise<{ store: WecomStore; close(): void }> {
  let Redis: (typeof import('ioredis'))['Redis'];
  try {
    ({ Redis } = await import('ioredis'));
  } catch {
    throw new UsageError('WECOM_REDIS_URL needs ioredis: npm install ioredis');
  }
  const client = new Redis(url, { commandTimeout: 2_000, maxRetriesPerRequest: 1 });
  return {
    store: new RedisStore(client as unknown as RedisClientLike),
    close: () => client.disconnect(),
  };
}

/**
 * The module as the CLI runs it: no warm-up (a dry run sends nothing at all), WeCom's published
 * limits kept (calls wait for the budget), the store given (Redis shares tokens and limits).
 */
export async function cliApp(
  options: WecomMediaModuleOptions,
  store: WecomStore | undefined,
  fit: boolean,
): Promise<INestApplicationContext> {
  const module = WecomMediaModule.forRoot({
    ...options,
    warmUp: false,
    rateLimit: { maxWaitMs: 120_000 },
    ...(fit ? { fit: true } : {}),
    ...(store ? { store } : {}),
  } as WecomMediaModuleOptions);
  @Module({ imports: [module] })
  class WecomMediaCli {}
  return NestFactory.createApplicationContext(WecomMediaCli, { logger: ['error'] });
}
