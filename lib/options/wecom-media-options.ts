import type { ShapeIn } from './option-checks.js';
import type { FIT, WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from './option-table.js';

// The option types, derived from the one table that declares each option (option-table.ts): an
// option's doc comment, check and default are written there once, and reach these types.

/** Every option the table declares, as an app gives them. */
type AllOptions = ShapeIn<(typeof WECOM_MEDIA_OPTIONS)['fields']>;
/** The ways to get tokens; exactly one is given. */
type CredentialOption = 'corpSecret' | 'tokenProvider' | 'secretFor' | 'suite';
/** `K` given, the other ways to get tokens not. */
type Credentials<K extends CredentialOption> = Required<Pick<AllOptions, K>> & {
  [O in Exclude<CredentialOption, K>]?: never;
};

/**
 * Options shared by every way of getting a token.
 *
 * @publicApi
 */
export type WecomMediaCommonOptions = Omit<AllOptions, CredentialOption | 'corpId'>;

/**
 * The usual set-up: the module fetches the token with `gettoken` from the corp id and the app's
 * secret.
 *
 * @publicApi
 */
export type WecomMediaSecretOptions = WecomMediaCommonOptions &
  Required<Pick<AllOptions, 'corpId'>> &
  Credentials<'corpSecret'>;

/**
 * Custom set-ups: the app supplies each corp's token (`tokenProvider`); `corpId` is the default
 * corp.
 *
 * @publicApi
 */
export type WecomMediaTokenProviderOptions = WecomMediaCommonOptions &
  Required<Pick<AllOptions, 'corpId'>> &
  Credentials<'tokenProvider'>;

/**
 * 代开发 apps and several self-built apps: one secret per corp (`secretFor`), `gettoken` per corp.
 * Each upload names its corp, or goes to the default `corpId`.
 *
 * @publicApi
 */
export type WecomMediaSecretForOptions = WecomMediaCommonOptions &
  Pick<AllOptions, 'corpId'> &
  Credentials<'secretFor'>;

/**
 * Third-party (第三方) apps (`suite`): the module gets the suite token and each authorised
 * corp's token itself. Each upload names its corp, or goes to the default `corpId`.
 *
 * @publicApi
 */
export type WecomMediaSuiteOptions = WecomMediaCommonOptions &
  Pick<AllOptions, 'corpId'> &
  Credentials<'suite'>;

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
export type SuiteCredentials = NonNullable<AllOptions['suite']>;

/**
 * Retries of errcode -1 (system busy), option `retry`.
 *
 * @publicApi
 */
export type RetryOptions = NonNullable<AllOptions['retry']>;

/**
 * Settings of the media-id cache, option `mediaCache`.
 *
 * @publicApi
 */
export type MediaCacheOptions = Exclude<AllOptions['mediaCache'], boolean | undefined>;

/**
 * The module's own budget of calls per corp and API (option `rateLimit`), shared by every replica
 * through a `RedisStore`. WeCom allows 10,000 calls per minute and 150,000 per hour per corp and
 * API (doc 90454) and answers 45009 past that; the module stops short of it instead.
 *
 * @publicApi
 */
export type RateLimitOptions = Exclude<AllOptions['rateLimit'], boolean | undefined>;

/**
 * Any part of the upload rules, laid over the doc's defaults (option `rules`).
 *
 * @publicApi
 */
export type AttachmentRulesOverride = NonNullable<AllOptions['rules']>;

/**
 * How images that break a rule are made to pass (option `fit`, or per call, where a call may
 * tighten the module's bounds but not loosen them): turned upright by their EXIF orientation,
 * scaled down to the moments edges, converted from WebP, GIF (its first frame), AVIF, TIFF or HEIC
 * (where the installed sharp decodes it) to JPEG (PNG when transparent), and re-encoded until
 * they fit the size limit; their metadata stripped, their colour profile kept. Needs `sharp`.
 *
 * @publicApi
 */
export type FitOptions = Exclude<ShapeIn<{ fit: typeof FIT }>['fit'], boolean | undefined>;

/** All extras, as given. */
type AllExtras = ShapeIn<(typeof WECOM_MEDIA_EXTRAS)['fields']>;

/**
 * The upload controller's settings (the `controller` extra).
 *
 * @publicApi
 */
export type WecomMediaControllerOptions = Exclude<AllExtras['controller'], boolean | undefined>;

/**
 * The extras both `forRoot` and `forRootAsync` take: known when the module is defined, before
 * `forRootAsync`'s factory has run.
 *
 * @publicApi
 */
export type WecomMediaModuleExtras = AllExtras;
