import { availableParallelism, tmpdir } from 'node:os';
import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import type { FitOptions } from '../media/fit/fit-options.interface.js';
import type { RateLimitOptions } from '../client/rate-limit-options.interface.js';
import type { SuiteCredentials } from '../token/suite-credentials.interface.js';
import type {
  RetryOptions,
  WecomMediaControllerOptions,
  WecomMediaModuleOptions,
} from './wecom-media-options.interface.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import { resolveRules } from '../rules/attachment-rules.js';
import type { Locale } from '../messages/index.js';
import { findOptionProblems, fitProblems, MAX_TIMER_MS } from './option-problems.js';

/**
 * The options every provider reads: validated, every default filled in. This file is the one
 * place that knows a default.
 */
export interface ResolvedWecomMediaOptions {
  /** The default corp: uploads without a `corpId` act for it. Unset: every upload names one. */
  corpId: string | undefined;
  /** Where tokens come from. */
  credentials: ResolvedCredentials;
  /** Without a trailing slash. */
  baseUrl: string;
  /** The app's store; undefined means a `MemoryStore` of this process. */
  store: WecomStore | undefined;
  storeTimeoutMs: number;
  /** After a shared-store failure, how long this process uses its own memory before asking again. */
  storeRetryAfterMs: number;
  mediaCache: { safetyMarginMs: number } | false;
  rules: AttachmentRules;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  tempDir: string;
  shutdownTimeoutMs: number;
  tokenRefreshAheadMs: number;
  /** The token refresh lock: derived from `timeoutMs` (see {@link resolveOptions}). */
  tokenLock: { leaseMs: number; waitMs: number };
  credentialsCooldownMs: number;
  locale: Locale;
  /** A proxy URL, false for none, undefined to follow the environment. */
  proxy: string | false | undefined;
  verifyCredentials: boolean;
  /** How images that break a rule are fitted by default; false when they are refused. */
  fit: ResolvedFit | false;
  /** Calls to WeCom at once per corp in this process, and the longest line behind them. */
  concurrency: { perCorp: number; maxQueued: number };
  /** The shared budget of calls per corp and API; false when the module keeps none. */
  rateLimit: Required<RateLimitOptions> | false;
  warmUp: boolean;
  idleConnectionTimeoutMs: number;
  /** Extra certificate authorities (PEM), added to Node's roots; undefined for Node's alone. */
  ca: Array<string | Buffer> | undefined;
}

/** Where tokens come from: one of the four ways the options offer. */
export type ResolvedCredentials =
  | { kind: 'secret'; corpSecret: string }
  | { kind: 'tokenProvider'; tokenProvider: AccessTokenProvider }
  | { kind: 'secretFor'; secretFor: (corpId: string) => string | Promise<string> }
  | { kind: 'suite'; suite: SuiteCredentials };

/** A `fit` setting with every default filled in. */
export type ResolvedFit = Required<FitOptions>;

/** Every default, in one place (README's options table mirrors it). */
export const OPTION_DEFAULTS = {
  baseUrl: 'https://qyapi.weixin.qq.com',
  storeTimeoutMs: 500,
  storeRetryAfterMs: 1_000,
  mediaCacheSafetyMarginMs: 60 * 60 * 1000,
  timeoutMs: 30_000,
  retry: { busyRetries: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
  shutdownTimeoutMs: 10_000,
  tokenRefreshAheadMs: 5 * 60_000,
  credentialsCooldownMs: 5 * 60_000,
  locale: 'en',
  verifyCredentials: false,
  fit: {
    jpegQualities: [90, 80, 70, 60, 50],
    // A 48 MP phone photo or a big PNG screenshot, with room: 50 MiB.
    maxInputBytes: 50 * 1024 * 1024,
    // A 50 MP phone photo (8160 × 6120) passes; decoded, it holds 200 MB of RGBA at most. sharp's
    // own 16383² would let a 10 KB WebP take 1 GB and half a minute.
    maxInputPixels: 50_000_000,
    // A 12 MP photo takes well under a second; anything near this is a hostile file.
    timeoutMs: 20_000,
  },
  controller: { path: 'wecom/attachments', receiveTimeoutMs: 120_000 },
  // WeCom's 45033 comes from too many calls of one corp at once; 8 fills a 100 Mbit/s link.
  maxConcurrentCalls: 8,
  maxQueuedCalls: 1_000,
  // WeCom's published limits per corp and API (doc 90454).
  rateLimit: { perMinute: 10_000, perHour: 150_000, maxWaitMs: 0 },
  warmUp: true,
  // WeCom does not publish how long it keeps an idle connection; 15 s stays well under the usual
  // gateway defaults (60–75 s), and a shorter Keep-Alive hint from the server wins.
  idleConnectionTimeoutMs: 15_000,
} as const;

/**
 * Checks `raw` (throwing one error that lists every problem, never quoting a secret) and fills in
 * every default.
 */
export function resolveOptions(raw: unknown): ResolvedWecomMediaOptions {
  const problems = findOptionProblems(raw);
  if (problems.length > 0) {
    throw new Error(`WecomMediaModule options are invalid:\n - ${problems.join('\n - ')}`);
  }
  const o = raw as WecomMediaModuleOptions;
  const d = OPTION_DEFAULTS;
  const timeoutMs = o.timeoutMs ?? d.timeoutMs;
  return {
    corpId: o.corpId,
    credentials: credentialsOf(o),
    baseUrl: (o.baseUrl ?? d.baseUrl).replace(/\/+$/, ''),
    store: o.store,
    storeTimeoutMs: o.storeTimeoutMs ?? d.storeTimeoutMs,
    storeRetryAfterMs: d.storeRetryAfterMs,
    mediaCache: o.mediaCache
      ? {
          safetyMarginMs:
            (o.mediaCache === true ? undefined : o.mediaCache.safetyMarginMs) ??
            d.mediaCacheSafetyMarginMs,
        }
      : false,
    rules: resolveRules(o.rules),
    timeoutMs,
    retry: {
      busyRetries: o.retry?.busyRetries ?? d.retry.busyRetries,
      baseDelayMs: o.retry?.baseDelayMs ?? d.retry.baseDelayMs,
      maxDelayMs: o.retry?.maxDelayMs ?? d.retry.maxDelayMs,
    },
    tempDir: o.tempDir ?? tmpdir(),
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? d.shutdownTimeoutMs,
    tokenRefreshAheadMs: o.tokenRefreshAheadMs ?? d.tokenRefreshAheadMs,
    // The lease outlasts one gettoken request, so that a live holder never loses the lock
    // mid-request; waiters give the holder that request plus a little before fetching their own.
    tokenLock: { leaseMs: timeoutMs + 1_000, waitMs: timeoutMs + 3_000 },
    credentialsCooldownMs: o.credentialsCooldownMs ?? d.credentialsCooldownMs,
    locale: o.locale ?? d.locale,
    proxy: o.proxy,
    verifyCredentials: o.verifyCredentials ?? d.verifyCredentials,
    fit: o.fit ? resolveFit(o.fit) : false,
    concurrency: {
      perCorp: o.maxConcurrentCalls ?? d.maxConcurrentCalls,
      maxQueued: o.maxQueuedCalls ?? d.maxQueuedCalls,
    },
    rateLimit: o.rateLimit
      ? { ...d.rateLimit, ...(o.rateLimit === true ? {} : definedOnly(o.rateLimit)) }
      : false,
    warmUp: o.warmUp ?? d.warmUp,
    idleConnectionTimeoutMs: o.idleConnectionTimeoutMs ?? d.idleConnectionTimeoutMs,
    ca:
      o.ca === undefined
        ? undefined
        : typeof o.ca === 'string' || Buffer.isBuffer(o.ca)
          ? [o.ca]
          : [...o.ca],
  };
}

/** `value` without its undefined entries, so that they do not hide the defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The one way of getting tokens the (checked) options give. */
function credentialsOf(o: WecomMediaModuleOptions): ResolvedCredentials {
  if (o.tokenProvider) return { kind: 'tokenProvider', tokenProvider: o.tokenProvider };
  if (o.secretFor) return { kind: 'secretFor', secretFor: o.secretFor };
  if (o.suite) return { kind: 'suite', suite: o.suite };
  return { kind: 'secret', corpSecret: o.corpSecret as string };
}

/**
 * One call's `fit` over the module's: undefined keeps the module's, false turns it off, true takes
 * the module's settings (or the defaults), an object lays its settings over the module's (or the
 * defaults). A call may tighten the module's bounds — input bytes, pixels, time — never loosen
 * them, and never changes the concurrency: one bound for the whole process.
 */
export function resolveFit(
  given: boolean | FitOptions | undefined,
  moduleFit: ResolvedFit | false = false,
): ResolvedFit | false {
  if (given === undefined) return moduleFit;
  if (given === false) return false;
  const base = moduleFit || defaultFit();
  if (given === true) return base;
  const problems = fitProblems(given, 'fit');
  if (problems.length > 0) throw new TypeError(`fit is invalid: ${problems.join('; ')}`);
  return {
    jpegQualities: given.jpegQualities ?? base.jpegQualities,
    maxInputBytes: tighter(given.maxInputBytes, base.maxInputBytes),
    maxInputPixels: tighter(given.maxInputPixels, base.maxInputPixels),
    timeoutMs: tighter(given.timeoutMs, base.timeoutMs),
    concurrency: base.concurrency,
  };
}

/** A call's bound, never looser than the module's. */
const tighter = (call: number | undefined, bound: number): number =>
  call === undefined ? bound : Math.min(call, bound);

/**
 * The fit defaults. Fits run on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise), which file reads and DNS share: at most one fewer than the pool, so a burst of
 * fits never stalls them.
 */
export function defaultFit(): ResolvedFit {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return {
    ...OPTION_DEFAULTS.fit,
    concurrency: Math.max(1, Math.min(availableParallelism(), pool - 1)),
  };
}

/** Why a receive timeout is no good, or undefined when it is. */
export function receiveTimeoutProblem(value: unknown, name: string): string | undefined {
  if (value === undefined || (typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS)) {
    return undefined;
  }
  return `${name} must be a positive number of milliseconds, at most ${MAX_TIMER_MS}; got ${String(value)}`;
}

/** `isGlobal`, checked: a module registered globally by mistake is hard to find. */
export function resolveIsGlobal(extra: unknown): boolean {
  if (extra === undefined) return false;
  if (typeof extra !== 'boolean') {
    throw new Error(
      `WecomMediaModule isGlobal must be true or false; got ${JSON.stringify(extra)}`,
    );
  }
  return extra;
}

/** The upload controller's settings with their defaults. */
export type ResolvedControllerOptions = Required<Omit<WecomMediaControllerOptions, 'corpId'>> &
  Pick<WecomMediaControllerOptions, 'corpId'>;

/**
 * The `controller` extra → its settings, or undefined when the controller is off. Runs when the
 * module is defined (the route must be known then), so it throws at once on a bad value.
 */
export function resolveControllerOptions(
  extra: boolean | WecomMediaControllerOptions | undefined,
): ResolvedControllerOptions | undefined {
  if (!extra) return undefined;
  const given: WecomMediaControllerOptions = extra === true ? {} : extra;
  const problems: string[] = [];
  if (typeof given !== 'object' || given === null) {
    throw new Error(
      'WecomMediaModule controller must be true, false or { path, guards, receiveTimeoutMs, corpId }',
    );
  }
  if (given.path !== undefined && typeof given.path !== 'string') {
    problems.push('controller.path must be a string');
  }
  if (given.guards !== undefined && !Array.isArray(given.guards)) {
    problems.push('controller.guards must be a list of guards');
  }
  const timeout = given.receiveTimeoutMs;
  const timeoutProblem = receiveTimeoutProblem(timeout, 'controller.receiveTimeoutMs');
  if (timeoutProblem) problems.push(timeoutProblem);
  if (given.corpId !== undefined && typeof given.corpId !== 'function') {
    problems.push('controller.corpId must be a function (req) => the corp id of the request');
  }
  if (problems.length > 0) {
    throw new Error(
      `WecomMediaModule controller options are invalid:\n - ${problems.join('\n - ')}`,
    );
  }
  const d = OPTION_DEFAULTS.controller;
  return {
    path: (given.path ?? d.path).replace(/^\/+/, ''),
    guards: given.guards ?? [],
    receiveTimeoutMs: timeout ?? d.receiveTimeoutMs,
    corpId: given.corpId,
  };
}
