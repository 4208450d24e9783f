// What a test tells the emulator: how to start it and which faults to inject.
import type { EmulatorInvalidTargets } from './published.interface.js';

/**
 * The WeCom APIs the emulator serves, as `failNext`, `resetNext` and `answerNextWith` name them.
 *
 * @publicApi
 */
export type EmulatorApi =
  | 'gettoken'
  | 'upload_attachment'
  | 'get_suite_token'
  | 'get_corp_token'
  | 'add_moment_task'
  | 'get_moment_task_result'
  | 'cancel_moment_task'
  | 'add_product_album'
  | 'get_product_album'
  | 'get_product_album_list'
  | 'update_product_album'
  | 'delete_product_album';

/**
 * An app the emulator knows: gettoken issues a token only for a corp id and secret it holds.
 *
 * @publicApi
 */
export interface EmulatorApp {
  /** The corp's id, `ww…`. */
  corpId: string;
  /** The app's secret gettoken takes. */
  corpSecret: string;
}

/**
 * A third-party (第三方) app the emulator knows: get_suite_token takes its id, secret and current
 * ticket; get_corp_token then issues a token for each authorised corp with its permanent code.
 *
 * @publicApi
 */
export interface EmulatorSuite {
  /** The suite's id. */
  suiteId: string;
  /** The suite's secret get_suite_token takes. */
  suiteSecret: string;
  /** The ticket WeCom last pushed to the provider; `setSuiteTicket` changes it. */
  suiteTicket: string;
  /** corp id → permanent_code, for each corp that authorised the app; `revokeAuthorisation` removes one. */
  permanentCodes: Record<string, string>;
}

/**
 * Settings of a `WecomEmulator`. The defaults are WeCom's, so that a test sees what production sees.
 *
 * @publicApi
 */
export interface WecomEmulatorOptions {
  /**
   * The apps gettoken accepts.
   * @default [WecomEmulator.DEFAULT_APP]
   */
  apps?: EmulatorApp[];
  /**
   * The third-party apps get_suite_token and get_corp_token know.
   * @default []
   */
  suites?: EmulatorSuite[];
  /**
   * `expires_in` of issued tokens, in seconds; shorten it to test token refresh.
   * @default 7200
   */
  tokenTtlSeconds?: number;
  /**
   * Largest upload per media type, in bytes; some WeCom doc copies say 20 MB for `file`.
   * @default `{ image: 10485760, video: 10485760, file: 10485760 }`
   */
  maxBytes?: Partial<Record<'image' | 'video' | 'file', number>>;
  /**
   * The media types each attachment_type accepts (1: moments, 2: product album).
   * @default `{ '1': ['image', 'video'], '2': ['image'] }`
   */
  accepts?: Partial<Record<'1' | '2', Array<'image' | 'video' | 'file'>>>;
  /**
   * Answer `created_at` as a quoted string, as some WeCom doc pages show, to test that clients
   * accept both.
   * @default false
   */
  createdAtAsString?: boolean;
  /**
   * Hash each uploaded file into {@link RecordedUpload.sha256}; the benchmark turns it off.
   * @default true
   */
  hashUploads?: boolean;
  /**
   * Keep each uploaded file's bytes in {@link RecordedUpload.content}, to look at what arrived
   * (an image's size after fitting, say). Off by default: a long run would hold every file.
   * @default false
   */
  keepUploads?: boolean;
  /**
   * Hold image uploads to upload_attachment's image rules, read from the bytes by the emulator
   * itself: JPEG or PNG (else 40004), and a moments image within 1080 px on its short edge and
   * 10800 px on its long edge (else 40009). Turn it off to see what a client sends unchecked.
   * @default true
   */
  checkImages?: boolean;
  /**
   * Port to listen on; 0 takes a free one. The host is always 127.0.0.1.
   * @default 0
   */
  port?: number;
  /**
   * Serve HTTPS with this PEM key and certificate instead of plain HTTP: `url` is then
   * `https://127.0.0.1:<port>`, and keep-alive works as over HTTP. The certificate must name
   * 127.0.0.1 (or the host the client uses) and its clients must trust its CA — for the module,
   * its `ca` option or `NODE_EXTRA_CA_CERTS`.
   * @default undefined (plain HTTP)
   */
  tls?: EmulatorTls;
  /**
   * WeCom's frequency limits, enforced: over them a call is answered 45009 (perMinute, perHour)
   * or 45033 (concurrent) and nothing is stored. See {@link EmulatorLimits} for the windows.
   * @default undefined (no limits; `peakLoad` still counts)
   */
  limits?: EmulatorLimits;
  /**
   * How many get_moment_task_result polls see each of status 1 (started) and 2 (creating) before
   * a moment task is done (3): with 1, the first poll sees 1, the second 2, the third 3; with 0,
   * the first poll already sees 3. Counted in polls, not time, so that tests are deterministic.
   * @default 1
   */
  pollsPerMomentStep?: number;
  /**
   * Senders, departments and tags that a moment task's result reports invalid, on top of every
   * user id and tag id that starts with `invalid`.
   * @default `{}`
   */
  invalidTargets?: EmulatorInvalidTargets;
}

/**
 * The PEM key and certificate an HTTPS emulator serves.
 *
 * @publicApi
 */
export interface EmulatorTls {
  /** The server's private key, PEM. */
  key: string | Buffer;
  /** The server's certificate (and any intermediates after it), PEM. */
  cert: string | Buffer;
}

/**
 * Frequency limits the emulator enforces, each on its own for every pair of a corp and an API
 * (gettoken, upload_attachment, get_corp_token, the publishing APIs): the corp is the one the call
 * acts for — the corp its access_token was issued to, gettoken's `corpid`, get_corp_token's
 * `auth_corpid`.
 * Calls whose corp the emulator cannot tell (get_suite_token, an unknown token) are not limited.
 *
 * The windows are fixed, as WeCom's are, and start at a call: a pair's first call opens a minute
 * window (and an hour window) that ends 60 s (3600 s) later, and the first call after it ends
 * opens the next. That is how a client's own fixed-window limiter counts (its window starts at its
 * first call), so a client that holds to its limit is never refused, and a test that runs within
 * one minute sees every call in one window: the (perMinute + 1)th call in it is refused, always.
 * A sliding window ("no more than perMinute calls in any 60 s") would be stricter and refuse a
 * correct fixed-window client that sends a full window's calls at the end of one window and the
 * start of the next; WeCom's clock-aligned windows would be looser and let a test straddling the
 * minute pass twice the limit. Refused calls do not count against a window; `peakLoad` counts them.
 *
 * @publicApi
 */
export interface EmulatorLimits {
  /** Calls a pair may make in one minute window; over it: 45009 (api freq out of limit). */
  perMinute?: number;
  /** Calls a pair may make in one hour window; over it: 45009. */
  perHour?: number;
  /**
   * Calls of a pair in flight at once (from arrival to the answer, or until the client leaves);
   * a call beyond them: 45033 (api concurrent out of limit).
   */
  concurrent?: number;
  /**
   * The clock windows are measured by, in epoch ms; a test passes a fake one to move past a
   * window's end without waiting.
   * @default Date.now
   */
  clock?: () => number;
}

/**
 * What the emulator saw of a pair of a corp and an API at its busiest, refused calls included: a
 * client that held to `limits` shows no more than them.
 *
 * @publicApi
 */
export interface EmulatorLoad {
  /** The most calls that arrived in one minute window. */
  perMinute: number;
  /** The most calls that arrived in one hour window. */
  perHour: number;
  /** The most calls in flight at once. */
  concurrent: number;
}

/**
 * A canned non-WeCom answer, for testing what proxies and broken servers do to a client.
 *
 * @publicApi
 */
export interface RawAnswer {
  /** The HTTP status. */
  status: number;
  /** The body, as sent. */
  body: string;
  /** Headers on top of `content-type: text/html`. */
  headers?: Record<string, string>;
  /** Send the head and the body, and never end the response. */
  hang?: boolean;
  /** Send the head and the body, then reset the connection: an answer cut off halfway. */
  resetAfterBody?: boolean;
}

/**
 * Random faults for soak runs, so that retries and token refreshes run under load. Rates are per
 * upload_attachment request, 0 to 1.
 *
 * @publicApi
 */
export interface EmulatorFaults {
  /**
   * Share answered with errcode -1 (system busy).
   * @default 0
   */
  busyRate?: number;
  /**
   * Share reset before any answer.
   * @default 0
   */
  resetRate?: number;
  /**
   * Share answered with errcode 45009 (frequency limit).
   * @default 0
   */
  rateLimitRate?: number;
  /**
   * A random delay in [min, max] ms before each answer, of every API.
   * @default [0, 0]
   */
  delayMs?: [number, number];
  /** Expire every token after this many uploads; unset, tokens expire only by their TTL. */
  expireTokensEvery?: number;
  /**
   * The random source; pass a seeded one for a repeatable run.
   * @default Math.random
   */
  random?: () => number;
}
