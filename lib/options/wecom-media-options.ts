import type { ShapeIn } from './option-checks.js';
import type { WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from './option-table.js';

// The option types, derived from the one table that declares each option (option-table.ts): an
// option's doc comment, check and default are written there once, and reach these types.

/**
 * Every option the table declares, each optional: what the checks take.
 *
 * @publicApi
 */
export type WecomMediaAllOptions = ShapeIn<(typeof WECOM_MEDIA_OPTIONS)['fields']>;

/**
 * Options shared by every way of getting a token.
 *
 * @publicApi
 */
export type WecomMediaCommonOptions = Omit<
  WecomMediaAllOptions,
  'corpId' | 'corpSecret' | 'tokenProvider' | 'secretFor' | 'suite'
>;

/**
 * The usual set-up: the module fetches the token with `gettoken` from the corp id and the app's
 * secret.
 *
 * @publicApi
 */
export type WecomMediaSecretOptions = WecomMediaCommonOptions &
  Required<Pick<WecomMediaAllOptions, 'corpId' | 'corpSecret'>> & {
    tokenProvider?: never;
    secretFor?: never;
    suite?: never;
  };

/**
 * Custom set-ups: the app supplies each corp's token (`tokenProvider`); `corpId` is the default
 * corp.
 *
 * @publicApi
 */
export type WecomMediaTokenProviderOptions = WecomMediaCommonOptions &
  Required<Pick<WecomMediaAllOptions, 'corpId' | 'tokenProvider'>> & {
    corpSecret?: never;
    secretFor?: never;
    suite?: never;
  };

/**
 * 代开发 apps and several self-built apps: one secret per corp (`secretFor`), `gettoken` per corp.
 * Each upload names its corp, or goes to the default `corpId`.
 *
 * @publicApi
 */
export type WecomMediaSecretForOptions = WecomMediaCommonOptions &
  Pick<WecomMediaAllOptions, 'corpId'> &
  Required<Pick<WecomMediaAllOptions, 'secretFor'>> & {
    corpSecret?: never;
    tokenProvider?: never;
    suite?: never;
  };

/**
 * Third-party (第三方) apps (`suite`): the module gets the suite token and each authorised
 * corp's token itself. Each upload names its corp, or goes to the default `corpId`.
 *
 * @publicApi
 */
export type WecomMediaSuiteOptions = WecomMediaCommonOptions &
  Pick<WecomMediaAllOptions, 'corpId'> &
  Required<Pick<WecomMediaAllOptions, 'suite'>> & {
    corpSecret?: never;
    tokenProvider?: never;
    secretFor?: never;
  };

/**
 * Options of `WecomMediaModule.forRoot`, and what `forRootAsync`'s factory returns: one corp by
 * its secret, any token source of your own, one secret per corp (`secretFor`), or a third-party
 * app (`suite`). Checked at start-up: a bad value fails the boot with every problem listed.
 *
 * @publicApi
 */
export type WecomMediaModuleOptions =
  | WecomMediaSecretOptions
  | WecomMediaTokenProviderOptions
  | WecomMediaSecretForOptions
  | WecomMediaSuiteOptions;

/**
 * A third-party (第三方) app's credentials, for option `suite`.
 *
 * @publicApi
 */
export type SuiteCredentials = NonNullable<WecomMediaAllOptions['suite']>;

/**
 * Retries of errcode -1 (system busy), option `retry`.
 *
 * @publicApi
 */
export type RetryOptions = NonNullable<WecomMediaAllOptions['retry']>;

/**
 * Settings of the media-id cache, option `mediaCache`.
 *
 * @publicApi
 */
export type MediaCacheOptions = Exclude<WecomMediaAllOptions['mediaCache'], boolean | undefined>;

/**
 * The module's own budget of calls per corp and API (option `rateLimit`), shared by every replica
 * through a `RedisStore`. WeCom allows 10,000 calls per minute and 150,000 per hour per corp and
 * API (doc 90454) and answers 45009 past that; the module stops short of it instead.
 *
 * @publicApi
 */
export type RateLimitOptions = Exclude<WecomMediaAllOptions['rateLimit'], boolean | undefined>;

/**
 * What the module's OpenTelemetry metrics carry (option `telemetry`); see docs/operations.md.
 *
 * @publicApi
 */
export type TelemetryOptions = NonNullable<WecomMediaAllOptions['telemetry']>;

/**
 * Any part of the upload rules, laid over the doc's defaults (option `rules`).
 *
 * @publicApi
 */
export type AttachmentRulesOverride = NonNullable<WecomMediaAllOptions['rules']>;

/**
 * How images that break a rule are made to pass (option `fit`, or per call, where a call may
 * tighten the module's bounds but not loosen them): turned upright by their EXIF orientation,
 * scaled down to the moments edges, converted from WebP, GIF (its first frame), AVIF, TIFF or HEIC
 * (where the installed sharp decodes it) to JPEG (PNG when transparent), and re-encoded until
 * they fit the size limit; their metadata stripped, their colour profile kept. Needs `sharp`.
 *
 * @publicApi
 */
export type FitOptions = Exclude<WecomMediaAllOptions['fit'], boolean | undefined>;

/**
 * The extras both `forRoot` and `forRootAsync` take: known when the module is defined, before
 * `forRootAsync`'s factory has run.
 *
 * @publicApi
 */
export type WecomMediaModuleExtras = ShapeIn<(typeof WECOM_MEDIA_EXTRAS)['fields']>;

/**
 * The upload controller's settings (the `controller` extra).
 *
 * @publicApi
 */
export type WecomMediaControllerOptions = Exclude<
  WecomMediaModuleExtras['controller'],
  boolean | undefined
>;

/**
 * The publishing queue's settings (the `queue` extra): see docs/scale.md.
 *
 * @publicApi
 */
export type WecomMediaQueueOptions = Exclude<WecomMediaModuleExtras['queue'], boolean | undefined>;
