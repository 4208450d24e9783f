import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CanActivate, Type } from '@nestjs/common';
import { statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { PROXY_RULE } from '../client/connection-agents.js';
import { LOCALES } from '../messages/index.js';
import { DEFAULT_ATTACHMENT_RULES, resolveRules } from '../rules/attachment-rules.js';
import { isCorpId } from '../rules/corp-id.js';
import { MEDIA_FORMATS } from '../media/media-format.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import { MEDIA_TYPES, MediaType } from '../rules/media-type.enum.js';
import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import {
  bool,
  check,
  describeKind,
  fn,
  isObject,
  listOf,
  ms,
  oneOf,
  positive,
  required,
  secret,
  shape,
  toggle,
  whenGiven,
  whole,
  type Check,
  type ShapeIn,
} from './option-checks.js';

/** A media_id is valid for three days; a cache margin must leave some of that. */
const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;
const STORE_METHODS = ['get', 'set', 'delete', 'compareAndDelete', 'acquireLock'] as const;
const rule = DEFAULT_ATTACHMENT_RULES;

/** Fits run on libuv's thread pool, which file reads and DNS share: leave one of its threads. */
const defaultFitConcurrency = (): number =>
  Math.max(1, Math.min(availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1));

/** One media type's limits, laid over the doc's. */
const mediaTypeRule = (type: MediaType) =>
  shape({
    /** The largest file accepted, in bytes. */
    maxBytes: { ...whole(1), shownDefault: String(rule.mediaTypes[type].maxBytes) },
    /** The formats the bytes may be; empty means any. */
    formats: {
      ...listOf(MEDIA_FORMATS),
      shownDefault: `[${rule.mediaTypes[type].formats.join(', ')}]`,
    },
  });

/** Each attachment type's media types. */
const attachmentTypeRule = (type: 1 | 2) => ({
  ...listOf(MEDIA_TYPES),
  shownDefault: `[${rule.attachmentTypes[type].join(', ')}]`,
});

/** Overrides of the upload rules, laid over DEFAULT_ATTACHMENT_RULES. */
const RULES = shape({
  /** Files must be larger than this many bytes (the doc: "所有文件size必须大于5个字节"). */
  minBytesExclusive: { ...whole(0), shownDefault: String(rule.minBytesExclusive) },
  /** Per media type: the largest file and the formats its bytes may be. */
  mediaTypes: shape({
    /** Images. */
    image: mediaTypeRule(MediaType.Image),
    /** Videos. */
    video: mediaTypeRule(MediaType.Video),
    /** Files. */
    file: mediaTypeRule(MediaType.File),
  }),
  /** The media types each attachment type takes. */
  attachmentTypes: shape({
    /** Moments (朋友圈). */
    1: attachmentTypeRule(1),
    /** Product albums (商品图册). */
    2: attachmentTypeRule(2),
  }),
  /** Moments images: the longer and the shorter edge, in pixels. */
  momentImage: shape({
    /** The longer edge. */
    maxLongEdge: { ...whole(1), shownDefault: String(rule.momentImage.maxLongEdge) },
    /** The shorter edge. */
    maxShortEdge: { ...whole(1), shownDefault: String(rule.momentImage.maxShortEdge) },
  }),
  /** Moments videos. */
  momentVideo: shape({
    /** The longest duration, in seconds. */
    maxDurationSeconds: {
      ...positive(),
      shownDefault: String(rule.momentVideo.maxDurationSeconds),
    },
  }),
  /** The longest filename, in UTF-8 bytes; WeCom documents none, 255 is the file-system bound. */
  maxFilenameBytes: { ...whole(1), shownDefault: String(rule.maxFilenameBytes) },
});

/** How images that break a rule are fitted; per call too (`fit` of an upload). */
export const FIT = toggle(
  shape({
    /** The JPEG qualities tried, highest first, until the file fits the size limit. */
    jpegQualities: check<readonly number[], readonly number[]>(
      'a list of whole numbers from 1 to 100',
      (v, at) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((q) => Number.isInteger(q) && q >= 1 && q <= 100)
          ? undefined
          : `${at} must be a list of whole numbers from 1 to 100; got ${JSON.stringify(v)}`,
      [90, 80, 70, 60, 50],
    ),
    /**
     * The largest image file fitted: a larger one keeps its `max-size` violation. With `fit` on,
     * it is also how much the controller receives, and how much of a stream is spooled, for an
     * image. 50 MiB: a 48 MP phone photo or a large PNG screenshot, with room.
     */
    maxInputBytes: whole(1, 50 * 1024 * 1024),
    /**
     * The most pixels an image may declare to be fitted: a small file that claims 50,000 × 50,000
     * px (a decode bomb) is refused before it is decoded. A 50 MP phone photo passes; decoded, it
     * holds 200 MB of RGBA at most.
     */
    maxInputPixels: whole(1, 50_000_000),
    /** The longest a fit may take; a longer one is stopped and refused. */
    timeoutMs: ms(20_000),
    /**
     * How many images are fitted at once in this process; the rest wait their turn. Only the
     * module's option counts (per call it is ignored). Fits run on libuv's thread pool, which
     * file reads share, so the default leaves one of its threads free.
     */
    concurrency: {
      ...whole(1),
      shownDefault: 'the CPU cores, at most UV_THREADPOOL_SIZE − 1 (3)',
      resolve: (v: number | undefined) => v ?? defaultFitConcurrency(),
    },
  }),
);

/**
 * Every option of `forRoot` (and of what `forRootAsync`'s factory returns), each declared once:
 * its doc comment, its check and its default. Validation at start-up, unknown keys at every level,
 * the defaults and docs/options.md all come from here; the option types are derived from it.
 */
export const WECOM_MEDIA_OPTIONS = shape(
  {
    /**
     * The corp's id (`ww…`). With `corpSecret` or `tokenProvider` it is the one corp; with
     * `secretFor` or `suite` the default corp of uploads that name none.
     */
    corpId: check<string>('the corp id', () => undefined),
    /** The app's secret (代开发 apps: the permanent_code). Never logged, never quoted. */
    corpSecret: secret('a non-empty string (the app secret)'),
    /** Supplies access tokens per corp, instead of the module's own gettoken. */
    tokenProvider: check<AccessTokenProvider>('an object with getToken() and invalidate()', (v) =>
      isObject(v) && typeof v.getToken === 'function' && typeof v.invalidate === 'function'
        ? undefined
        : 'tokenProvider must have getToken() and invalidate()',
    ),
    /**
     * 代开发 apps and several self-built apps: the secret of the app in `corpId`, from a database
     * or a vault. Called once per corp and process, and again on each upload for the corp after
     * WeCom refused it. Bounded by `timeoutMs`.
     */
    secretFor: fn<(corpId: string) => string | Promise<string>>(
      "(corpId) => the secret of that corp's app",
    ),
    /** Third-party (第三方) apps: the suite's id, secret, latest ticket, and each corp's permanent code. */
    suite: whenGiven(
      shape({
        /** The app's suite_id, `ww…` or `tj…`. */
        suiteId: required(
          check<string>('a non-empty string', (v, at) =>
            typeof v === 'string' && v.trim() !== ''
              ? undefined
              : `${at} must be a non-empty string; got ${JSON.stringify(v)}`,
          ),
        ),
        /** The app's suite_secret. Never logged, never quoted. */
        suiteSecret: required(
          check<string>('a non-empty string', (v, at) =>
            typeof v === 'string' && v.trim() !== ''
              ? undefined
              : `${at} must be a non-empty string; got ${describeKind(v)}`,
          ),
        ),
        /**
         * The latest suite_ticket, which WeCom pushes to the app's callback URL every 10 minutes
         * and the app stores. Read when this process has no usable suite token. Keep it cheap.
         */
        suiteTicket: required(fn<() => string | Promise<string>>('() => the latest suite_ticket')),
        /**
         * The permanent_code corp `corpId` gave when it authorised the app. Called once per corp
         * and process, and again after WeCom refused it.
         */
        permanentCode: required(
          fn<(corpId: string) => string | Promise<string>>(
            "(corpId) => that corp's permanent_code",
          ),
        ),
      }),
    ),
    /** WeCom's API origin; tests point it at the emulator. */
    baseUrl: check<string, string>(
      'an absolute http(s) URL',
      (v) => {
        if (typeof v !== 'string') return 'baseUrl must be a string URL';
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          // Described, not quoted: a URL may carry credentials.
          return 'baseUrl must be an absolute http(s) URL such as https://qyapi.weixin.qq.com; got a string that is not one';
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          return `baseUrl must use http or https; got ${url.protocol}`;
        }
        return url.search || url.hash || url.username || url.password
          ? 'baseUrl must not carry a query, a fragment or credentials'
          : undefined;
      },
      'https://qyapi.weixin.qq.com',
    ),
    /**
     * Where tokens, the refresh lock, the credentials cool-down and the media-id cache live. Give
     * a `RedisStore` to share them between replicas; the default is this process's memory.
     */
    store: check<WecomStore>('a WecomStore', (v) => {
      const missing = STORE_METHODS.filter(
        (m) => typeof (v as Record<string, unknown> | null)?.[m] !== 'function',
      );
      return missing.length > 0
        ? `store must implement WecomStore; it lacks ${missing.join(', ')}`
        : undefined;
    }),
    /** The longest wait for a shared store per call before this process carries on alone. */
    storeTimeoutMs: ms(500),
    /** Reuse the media_id of an identical upload while it is valid. */
    mediaCache: toggle(
      shape({
        /** Stop reusing a media_id this long before it expires. */
        safetyMarginMs: check<number, number>(
          '0 or more, less than 3 days',
          (v, at) =>
            typeof v === 'number' && v >= 0 && v < THREE_DAYS_MS
              ? undefined
              : `${at} must be 0 or more and less than 3 days (a media_id's life); got ${String(v)}`,
          60 * 60 * 1000,
        ),
      }),
    ),
    /** Overrides of the upload rules; the rest keep the doc's values (DEFAULT_ATTACHMENT_RULES). */
    rules: {
      ...RULES,
      shownDefault: "the doc's limits",
      // Typed here: the override type is derived from this table, and resolveRules takes it.
      resolve: (v: ShapeIn<typeof RULES.fields> | undefined): AttachmentRules => resolveRules(v),
    },
    /**
     * Time allowed for each request to WeCom. It also bounds the token refresh lock: its lease is
     * `timeoutMs` + 1 s and other replicas wait at most `timeoutMs` + 3 s for the holder's token.
     */
    timeoutMs: ms(30_000),
    /** Retries of errcode -1 (system busy): exponential backoff with jitter. */
    retry: shape(
      {
        /** How many times to retry -1 after the first attempt. WeCom advises at most 3. */
        busyRetries: whole(0, 3),
        /** The first backoff; it doubles each retry. */
        baseDelayMs: ms(200, true),
        /** The longest backoff. */
        maxDelayMs: ms(5_000, true),
      },
      ({ baseDelayMs: base, maxDelayMs: max }, at) =>
        typeof base === 'number' && typeof max === 'number' && max < base
          ? [`${at}.maxDelayMs (${max}) must not be less than ${at}.baseDelayMs (${base})`]
          : [],
    ),
    /** The parent of the module's private spool folder (`wecom-media-*`, mode 0700). */
    tempDir: {
      ...check<string>('the path of an existing directory', (v) => {
        if (typeof v !== 'string' || v.trim() === '') {
          return 'tempDir must be the path of an existing directory';
        }
        let isDirectory = false;
        try {
          // At start-up only, once: no upload waits on it.
          isDirectory = statSync(v).isDirectory();
        } catch {
          // reported below
        }
        return isDirectory
          ? undefined
          : `tempDir must be an existing directory; ${JSON.stringify(v)} is not`;
      }),
      shownDefault: 'os.tmpdir()',
      resolve: (v: string | undefined) => v ?? tmpdir(),
    },
    /** At shutdown, how long to let uploads under way finish before aborting them. */
    shutdownTimeoutMs: ms(10_000),
    /** Refresh the token this long before it expires. */
    tokenRefreshAheadMs: ms(5 * 60_000, true),
    /**
     * After WeCom refuses the secret or the corp id (40001, 40013), how long to fail fast without
     * asking again: repeated wrong-secret calls get the server's IP banned.
     */
    credentialsCooldownMs: ms(5 * 60_000, true),
    /**
     * The language of violation messages and of the HTTP error messages. Rule names, limits and
     * values stay as they are.
     */
    locale: oneOf(LOCALES, 'en'),
    /**
     * An HTTP proxy (`http://…`) to reach WeCom through (HTTP CONNECT), e.g. the gateway whose
     * fixed IP is in WeCom's trusted-IP list; `false` connects directly whatever the environment
     * says. Unset: HTTPS_PROXY (HTTP_PROXY for an http:// baseUrl) or ALL_PROXY, unless NO_PROXY
     * excludes WeCom's host.
     */
    proxy: {
      ...check<string | false>(PROXY_RULE, (v) => {
        if (v === false) return undefined;
        let url: URL | undefined;
        try {
          url = typeof v === 'string' ? new URL(v) : undefined;
        } catch {
          // reported below
        }
        // Its value may carry credentials: described, never quoted.
        return url?.protocol === 'http:' ? undefined : `proxy must be false or ${PROXY_RULE}`;
      }),
      shownDefault: 'from the environment',
    },
    /**
     * Fetch a token at start-up, so that a wrong secret or corp id fails the boot with
     * `WecomInvalidCredentialsError` rather than the first upload.
     */
    verifyCredentials: bool(false),
    /**
     * Make images that break a rule pass instead of refusing them: phone photos scaled down to
     * the moments edges, WebP/GIF/AVIF/TIFF converted, large files re-encoded. Needs the optional
     * peer `sharp`; without it the module refuses to start.
     */
    fit: FIT,
    /**
     * The most calls this process sends to WeCom at once for one corp; the others wait in line,
     * first come first served. WeCom answers 45033 when a corp runs too many at once.
     */
    maxConcurrentCalls: whole(1, 8),
    /**
     * The longest line of calls waiting for one corp in this process; a call that finds it full
     * fails at once with `WecomRateLimitError` (45033, `local: true`).
     */
    maxQueuedCalls: whole(0, 1_000),
    /**
     * Keep within WeCom's frequency limits per corp and API before WeCom enforces them (45009):
     * `true` takes WeCom's published limits (doc 90454), an object sets its own. Shared by every
     * replica through a `RedisStore`.
     */
    rateLimit: toggle(
      shape(
        {
          /** Calls per minute per corp and API, all replicas together. */
          perMinute: whole(1, 10_000),
          /** Calls per hour per corp and API, all replicas together. */
          perHour: whole(1, 150_000),
          /**
           * How long a call may wait for the budget to come back; one that would wait longer
           * fails at once with `WecomRateLimitError` (`local: true`), without calling WeCom.
           */
          maxWaitMs: ms(0, true),
        },
        ({ perMinute, perHour }, at) =>
          typeof perMinute === 'number' && typeof perHour === 'number' && perMinute > perHour
            ? [`${at}.perMinute (${perMinute}) must not be more than ${at}.perHour (${perHour})`]
            : [],
      ),
    ),
    /**
     * At application bootstrap, fetch the default corp's token and open a pooled connection to
     * WeCom in the background, so that the first upload costs what a warm one costs. Never delays
     * nor fails the boot.
     */
    warmUp: bool(true),
    /**
     * How long an idle pooled connection to WeCom is kept; a shorter `Keep-Alive: timeout` the
     * server announces wins.
     */
    idleConnectionTimeoutMs: ms(15_000),
    /**
     * Certificate authorities (PEM) to trust for WeCom's HTTPS besides Node's roots: a private CA
     * of a TLS-inspecting gateway, or of an emulator served over HTTPS.
     */
    ca: check<string | Buffer | ReadonlyArray<string | Buffer>>('PEM certificates', caProblems),
  },
  credentialProblems,
);

/** The extras of `forRoot` and `forRootAsync`: known when the module is defined. */
export const WECOM_MEDIA_EXTRAS = shape({
  /** Register the module globally. */
  isGlobal: bool(false),
  /** Serve `POST /{path}` that uploads a multipart `media` file; `true` takes the defaults. */
  controller: toggle(
    shape({
      /** The route, without leading slash. */
      path: {
        ...check<string, string>(
          'a string',
          (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string`),
          'wecom/attachments',
        ),
        resolve: (v: string | undefined) => (v ?? 'wecom/attachments').replace(/^\/+/, ''),
      },
      /** Guards run before every upload. Without any, the module warns at start-up. */
      guards: check<
        ReadonlyArray<Type<CanActivate> | CanActivate>,
        ReadonlyArray<Type<CanActivate> | CanActivate>
      >(
        'a list of guards',
        (v, at) => (Array.isArray(v) ? undefined : `${at} must be a list of guards`),
        [],
      ),
      /** How long a client may take to send its whole upload; a slower one gets 408. */
      receiveTimeoutMs: ms(120_000),
      /**
       * The corp each request uploads for, typically from what the app's guard put on the
       * request. A request it resolves to no corp is answered 400, never sent to the default corp.
       */
      corpId: fn<
        (
          req: IncomingMessage & Record<string, unknown>,
        ) => string | undefined | Promise<string | undefined>
      >('(req) => the corp id of the request'),
    }),
  ),
});

/** The ways to get tokens: exactly one is given. */
const CREDENTIAL_KINDS = ['corpSecret', 'tokenProvider', 'secretFor', 'suite'] as const;

function credentialProblems(o: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const given = CREDENTIAL_KINDS.filter((k) => o[k] !== undefined);
  if (given.length > 1) {
    problems.push(
      `give one of ${CREDENTIAL_KINDS.join(', ').replace(/, (?=\w+$)/, ' and ')}; got ${given.join(', ')}`,
    );
  }
  if (given.length === 0) {
    problems.push(
      'give corpSecret (one corp, its app secret), secretFor (a secret per corp: 代开发 or several apps), suite (a third-party app) or tokenProvider',
    );
  }
  // One secret or a custom provider serve one default corp; secretFor and suite serve any corp.
  const needsCorp = o.corpSecret !== undefined || o.tokenProvider !== undefined;
  if ((o.corpId !== undefined || needsCorp) && !isCorpId(o.corpId)) {
    problems.push(
      `corpId must be the corp id ("ww…": letters, digits, _ or -, at most 64)${needsCorp ? '' : ', or left out'}; got ${JSON.stringify(o.corpId) ?? 'undefined'}`,
    );
  }
  return problems;
}

/** Each CA must be a PEM certificate: a typo would otherwise surface as a TLS error per upload. */
function caProblems(value: unknown): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) return ['ca must name at least one certificate (PEM), or be left out'];
  return list.flatMap((item, at) => {
    const name = Array.isArray(value) ? `ca[${at}]` : 'ca';
    if (typeof item !== 'string' && !Buffer.isBuffer(item)) {
      return [
        `${name} must be a PEM certificate (a string or a Buffer); got ${describeKind(item)}`,
      ];
    }
    try {
      void new X509Certificate(item).subject;
      return [];
    } catch {
      return [`${name} is not a PEM certificate (-----BEGIN CERTIFICATE-----…)`];
    }
  });
}

/** A check's problems, for `Check` values typed loosely (the option types come from the table). */
export type AnyCheck = Check<never, unknown>;
