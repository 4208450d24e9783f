import type { Provider } from '@nestjs/common';
import { WecomHttpClient } from './client/wecom-http.client.js';
import type { WecomMediaModuleOptions } from './interfaces/wecom-media-module-options.interface.js';
import type { WecomStore } from './interfaces/wecom-store.interface.js';
import { resolveRules } from './media/media-rules.js';
import { TempDirectory } from './source/temp-directory.js';
import { FallbackStore } from './store/fallback.store.js';
import { MemoryStore } from './store/memory.store.js';
import { DEFAULT_MEDIA_CACHE_MARGIN_MS, MediaIdCache } from './cache/media-id.cache.js';
import { CorpAccessTokenProvider } from './token/corp-access-token.provider.js';
import { AttachmentService } from './attachment.service.js';
import { MODULE_OPTIONS_TOKEN } from './wecom-media.module-definition.js';
import { assertValidOptions } from './wecom-media-options.validation.js';
import {
  DEFAULT_TIMEOUT_MS,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WECOM_MEDIA_ID_CACHE,
  WECOM_MEDIA_OPTIONS,
  WECOM_STORE,
  WECOM_TEMP_DIRECTORY,
} from './wecom-media.constants.js';

const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;

/** The module's providers; the same for `forRoot` and `forRootAsync`. */
export function createWecomMediaProviders(): Provider[] {
  return [
    {
      provide: WECOM_MEDIA_OPTIONS,
      useFactory: (options: unknown) => assertValidOptions(options),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: WECOM_STORE,
      useFactory: (options: WecomMediaModuleOptions): WecomStore => {
        const store = options.store;
        if (!store || store instanceof MemoryStore) return store ?? new MemoryStore();
        // A shared store may fail or stall: bound it and fall back to this process's memory.
        return new FallbackStore(store, { timeoutMs: options.storeTimeoutMs });
      },
      inject: [WECOM_MEDIA_OPTIONS],
    },
    {
      provide: WECOM_MEDIA_ID_CACHE,
      useFactory: (options: WecomMediaModuleOptions, store: WecomStore) => {
        if (!options.mediaCache) return undefined;
        const margin = options.mediaCache === true ? undefined : options.mediaCache.safetyMarginMs;
        return new MediaIdCache(store, options.corpId, margin ?? DEFAULT_MEDIA_CACHE_MARGIN_MS);
      },
      inject: [WECOM_MEDIA_OPTIONS, WECOM_STORE],
    },
    {
      provide: WECOM_TEMP_DIRECTORY,
      useFactory: (options: WecomMediaModuleOptions) => new TempDirectory(options.tempDir),
      inject: [WECOM_MEDIA_OPTIONS],
    },
    {
      provide: WECOM_ATTACHMENT_RULES,
      useFactory: (options: WecomMediaModuleOptions) => resolveRules(options.rules),
      inject: [WECOM_MEDIA_OPTIONS],
    },
    {
      provide: WECOM_ACCESS_TOKEN_PROVIDER,
      useFactory: (
        options: WecomMediaModuleOptions,
        store: WecomStore,
        client: WecomHttpClient,
      ) => {
        if (options.tokenProvider) return options.tokenProvider;
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        return new CorpAccessTokenProvider({
          corpId: options.corpId,
          corpSecret: options.corpSecret,
          store,
          client,
          refreshAheadMs: options.tokenRefreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS,
          // The lease outlasts one gettoken request, so that a live holder never loses it.
          lockLeaseMs: timeoutMs + 1_000,
          lockWaitMs: timeoutMs + 3_000,
        });
      },
      inject: [WECOM_MEDIA_OPTIONS, WECOM_STORE, WecomHttpClient],
    },
    WecomHttpClient,
    AttachmentService,
  ];
}
