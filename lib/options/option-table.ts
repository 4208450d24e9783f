import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PROXY_RULE } from '../client/connection-agents.js';
import { LOCALES } from '../messages/index.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import {
  bool,
  check,
  describeKind,
  ms,
  oneOf,
  required,
  shape,
  toggle,
  whenGiven,
  whole,
} from './option-checks.js';
import { hostEntryProblem } from '../source/url-policy.js';
import { CREDENTIAL_OPTIONS, credentialProblems } from './credential-options.js';
import { FIT } from './fit-option.js';
import { RULES } from './rules-option.js';

export { FIT } from './fit-option.js';
export { WECOM_MEDIA_EXTRAS } from './extras-table.js';

/** A media_id is valid for three days; a cache margin must leave some of that. */
const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;
const STORE_METHODS = ['get', 'set', 'delete', 'compareAndDelete', 'acquireLock'] as const;

/**
 * Every option of `forRoot` (and of what `forRootAsync`'s factory returns), each declared once:
 * its doc comment, its check and its default. Validation at start-up, unknown keys at every level,
 * the defaults and docs/options.md all come from here; the option types are derived from it.
 */
export const WECOM_MEDIA_OPTIONS = shape(
  {
    ...CREDENTIAL_OPTIONS,
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
    rules: RULES,
    /**
     * Time allowed for each request to WeCom. It also bounds the token refresh lock: its lease is
     * `timeoutMs` + 1 s and other replicas wait at most `timeoutMs` + 3 s for the holder's token.
     */
    timeoutMs: ms(30_000),
    /** Retries of errcode -1 (system busy): exponential backoff with jitter. */
    retry: shape(
      {
        /**
         * How many times to retry -1 after the first attempt: at most 3, as WeCom advises (more
         * would hammer a busy WeCom from one IP).
         */
        busyRetries: whole(0, 3, 3),
        /** The first backoff, at least 10 ms; it doubles each retry. */
        baseDelayMs: ms(200, false, 10),
        /** The longest backoff, at least 10 ms. */
        maxDelayMs: ms(5_000, false, 10),
      },
      ({ baseDelayMs: base, maxDelayMs: max }, at) =>
        typeof base === 'number' && typeof max === 'number' && max < base
          ? [`${at}.maxDelayMs (${max}) must not be less than ${at}.baseDelayMs (${base})`]
          : [],
    ),
    /**
     * What of a photo's metadata goes to WeCom. `'strip-location'`: every JPEG and PNG leaves
     * without its location — the EXIF GPS block, XMP GPS properties — and the camera's serial
     * number, losslessly (the image data is sent as it is); orientation, make, model and the
     * colour profile stay. Albums and moments are shown to customers, and PIPL counts a precise
     * location as sensitive personal information. `'keep'` sends the bytes as given. Per call too.
     */
    metadata: oneOf(['strip-location', 'keep'], 'strip-location'),
    /**
     * Files given as a `URL` (object storage behind signed URLs): where they may come from. Without
     * it, a URL is refused before any request. A URL's query never reaches a log line or an error.
     */
    urlSources: whenGiven(
      shape({
        /**
         * The hosts files may be downloaded from, at every redirect: `cdn.example.com` (any port),
         * `*.example.com` (any subdomain, not the apex), `cdn.example.com:8443` (that port), or an
         * IP address. A listed host that resolves to a private, loopback or link-local address is
         * refused, unless that very address is listed too.
         */
        allowedHosts: required(
          check<readonly string[]>('a list of host names', (v, at) =>
            Array.isArray(v)
              ? v.flatMap((entry: unknown, i) => {
                  const problem =
                    typeof entry === 'string' ? hostEntryProblem(entry) : 'must be a string';
                  return problem ? [`${at}[${i}] ${problem}`] : [];
                })
              : `${at} must be a list of host names; got ${describeKind(v)}`,
          ),
        ),
        /** The longest a whole download may take: every redirect, the headers and the body. */
        timeoutMs: ms(30_000),
        /** The most redirects followed; each hop is checked like the first. */
        maxRedirects: whole(0, 3, 10),
      }),
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
     * asking again: repeated wrong-secret calls get the server's IP banned. A health probe waits
     * at least 5 minutes, even with 0.
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
     * first come first served, and take their token once placed. A token request never waits in
     * it (one at a time per corp): the calls placed may need that very token. WeCom answers 45033
     * when a corp runs too many calls at once. Ten: a moment's or an album's 9 photos go out at
     * once, with room for one more call.
     */
    maxConcurrentCalls: whole(1, 10),
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
    /** OpenTelemetry traces and metrics (docs/operations.md): what the metrics carry. */
    telemetry: shape({
      /**
       * Put `corp_id` on metrics (a corp not known to be served counts as `unserved`); `false` for
       * a provider of thousands of corps (spans keep it).
       */
      corpIdOnMetrics: bool(true),
    }),
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
