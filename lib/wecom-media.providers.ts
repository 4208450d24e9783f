import type { Provider } from '@nestjs/common';
import { AttachmentService } from './attachment.service.js';
import { MomentService } from './publishing/moment.service.js';
import { ProductAlbumService } from './publishing/product-album.service.js';
import { PublishingContext } from './publishing/publishing-context.js';
import { SecretTokenProvider } from './token/secret-token.provider.js';
import { SuiteTokenProvider } from './token/suite-token.provider.js';
import { MediaIdCache } from './store/media-id.cache.js';
import { StartUp } from './token/start-up.js';
import { WecomHttpClient } from './client/wecom-http.client.js';
import { CallLimits } from './client/call-limits.js';
import { SecretRedactor } from './client/secret-redactor.js';
import {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
  WECOM_STORE,
} from './wecom-media.constants.js';
import { ImageFitter } from './media/fit/image-fitter.js';
import { UploadReceiver } from './http/upload-receiver.js';
import { WecomErrorFilter } from './http/wecom-error.filter.js';
import { PublishRuleConstraint } from './http/publish-rule.constraint.js';
import type { AccessTokenProvider } from './token/access-token-provider.interface.js';
import type { WecomStore } from './store/wecom-store.interface.js';
import { resolveOptions, type ResolvedWecomMediaOptions } from './options/resolve-options.js';
import { messagesFor } from './messages/index.js';
import { SourceResolver } from './source/attachment-source.js';
import { TempDirectory } from './source/temp-directory.js';
import { FallbackStore } from './store/fallback.store.js';
import { MemoryStore } from './store/memory.store.js';
import { MODULE_OPTIONS_TOKEN } from './wecom-media.module-definition.js';
import { checkCorpId, servedBy } from './rules/attachment-rules.js';
import { loadOtelApi } from './operations/telemetry/otel-api.js';
import { WecomTelemetry } from './operations/telemetry/wecom-telemetry.js';

/** The module's providers, all built from the resolved options; the same for both forRoots. */
export function createWecomMediaProviders(): Provider[] {
  return [
    {
      provide: WECOM_RESOLVED_OPTIONS,
      useFactory: (raw: unknown) => resolveOptions(raw),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: SecretRedactor,
      useFactory: ({ credentials }: ResolvedWecomMediaOptions) => {
        const redactor = new SecretRedactor();
        // The secrets known now; those the app's callbacks give later are added as they come.
        if (credentials.kind === 'secret') redactor.addSecret(credentials.corpSecret);
        if (credentials.kind === 'suite') redactor.addSecret(credentials.suite.suiteSecret);
        return redactor;
      },
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: WECOM_STORE,
      useFactory: ({ store, storeTimeoutMs, storeRetryAfterMs }: ResolvedWecomMediaOptions) =>
        // A shared store may fail or stall: bound it and fall back to this process's memory.
        !store || store instanceof MemoryStore || store instanceof FallbackStore
          ? (store ?? new MemoryStore())
          : new FallbackStore(store, {
              timeoutMs: storeTimeoutMs,
              retryAfterMs: storeRetryAfterMs,
            }),
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: MediaIdCache,
      useFactory: ({ mediaCache }: ResolvedWecomMediaOptions, store: WecomStore) =>
        mediaCache ? new MediaIdCache(store, mediaCache.safetyMarginMs) : undefined,
      inject: [WECOM_RESOLVED_OPTIONS, WECOM_STORE],
    },
    {
      provide: TempDirectory,
      useFactory: ({ tempDir }: ResolvedWecomMediaOptions) => new TempDirectory(tempDir),
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: WECOM_MESSAGES,
      useFactory: ({ locale }: ResolvedWecomMediaOptions) => messagesFor(locale),
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: WECOM_ATTACHMENT_RULES,
      useFactory: ({ rules }: ResolvedWecomMediaOptions) => rules,
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: WecomTelemetry,
      // @opentelemetry/api, an optional peer, is loaded here (at boot), when the app has it.
      useFactory: async (options: ResolvedWecomMediaOptions) => {
        await loadOtelApi();
        return new WecomTelemetry({
          corpIdOnMetrics: options.telemetry.corpIdOnMetrics,
          defaultCorpId: options.corpId,
          serves: (corpId) => !checkCorpId(corpId, servedBy(options)),
        });
      },
      inject: [WECOM_RESOLVED_OPTIONS],
    },
    {
      provide: WECOM_ACCESS_TOKEN_PROVIDER,
      useFactory: (
        options: ResolvedWecomMediaOptions,
        store: WecomStore,
        client: WecomHttpClient,
        redactor: SecretRedactor,
        telemetry: WecomTelemetry,
      ): AccessTokenProvider => {
        const { credentials } = options;
        if (credentials.kind === 'tokenProvider') return credentials.tokenProvider;
        const settings = {
          store,
          client,
          redactor,
          refreshAheadMs: options.tokenRefreshAheadMs,
          lock: options.tokenLock,
          credentialsCooldownMs: options.credentialsCooldownMs,
          callbackTimeoutMs: options.timeoutMs,
          telemetry,
        };
        if (credentials.kind === 'suite') {
          return new SuiteTokenProvider({ ...settings, suite: credentials.suite });
        }
        if (credentials.kind === 'secretFor') {
          return new SecretTokenProvider({ ...settings, secretFor: credentials.secretFor });
        }
        // One corp, one secret: the service never asks for another corp (see corpOf).
        const { corpSecret } = credentials;
        return new SecretTokenProvider({ ...settings, secretFor: () => corpSecret });
      },
      inject: [
        WECOM_RESOLVED_OPTIONS,
        WECOM_STORE,
        WecomHttpClient,
        SecretRedactor,
        WecomTelemetry,
      ],
    },
    CallLimits,
    WecomHttpClient,
    StartUp,
    SourceResolver,
    ImageFitter,
    AttachmentService,
    PublishingContext,
    MomentService,
    ProductAlbumService,
    UploadReceiver,
    WecomErrorFilter,
    PublishRuleConstraint,
  ];
}
