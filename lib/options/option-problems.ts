import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { ATTACHMENT_TYPES } from '../rules/attachment-type.enum.js';
import { MEDIA_TYPES } from '../rules/media-type.enum.js';
import { MEDIA_ID_LIFETIME_MS } from '../wecom-media.constants.js';
import { MIME_TYPES } from '../media/media-format.js';
import { LOCALES } from '../messages/index.js';

/** Every option `forRoot` takes (the extras are checked where the controller is built). */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'corpId',
  'corpSecret',
  'tokenProvider',
  'secretFor',
  'suite',
  'baseUrl',
  'store',
  'storeTimeoutMs',
  'mediaCache',
  'rules',
  'timeoutMs',
  'retry',
  'tempDir',
  'shutdownTimeoutMs',
  'tokenRefreshAheadMs',
  'credentialsCooldownMs',
  'locale',
  'proxy',
  'verifyCredentials',
  'fit',
  'maxConcurrentCalls',
  'maxQueuedCalls',
  'rateLimit',
  'warmUp',
  'idleConnectionTimeoutMs',
  'ca',
]);

/** forRoot strips its extras; from forRootAsync's factory they would be silently ignored. */
const EXTRAS = new Set(['isGlobal', 'controller']);
const STORE_METHODS = ['get', 'set', 'delete', 'compareAndDelete', 'acquireLock'] as const;
/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;
const FORMATS = new Set(Object.keys(MIME_TYPES).filter((f) => f !== 'unknown'));

type Problems = string[];
type Loose = Record<string, unknown>;

/**
 * Every problem with `options`, in words. Secrets are described, never quoted.
 * Runs at start-up, so that a bad configuration fails the boot rather than the first upload.
 */
export function findOptionProblems(options: unknown): Problems {
  if (!isObject(options)) return ['options must be an object'];
  const o = options;
  const problems: Problems = [];
  for (const key of Object.keys(o)) {
    if (EXTRAS.has(key)) {
      problems.push(`${key} is an extra: give it to forRootAsync itself, not from the factory`);
    } else if (!KNOWN_OPTIONS.has(key)) {
      problems.push(`unknown option ${JSON.stringify(key)}`);
    }
  }
  credentialProblems(o, problems);
  if (o.baseUrl !== undefined) problems.push(...baseUrlProblems(o.baseUrl));
  if (o.store !== undefined) {
    const missing = STORE_METHODS.filter(
      (m) => typeof (o.store as Loose | null)?.[m] !== 'function',
    );
    if (missing.length > 0) {
      problems.push(`store must implement WecomStore; it lacks ${missing.join(', ')}`);
    }
  }
  for (const key of ['timeoutMs', 'storeTimeoutMs', 'shutdownTimeoutMs'] as const) {
    positive(o[key], key, problems);
  }
  for (const key of ['tokenRefreshAheadMs', 'credentialsCooldownMs'] as const) {
    nonNegative(o[key], key, problems);
  }
  if (o.locale !== undefined && !(LOCALES as readonly unknown[]).includes(o.locale)) {
    problems.push(`locale must be 'en' or 'zh-CN'; got ${JSON.stringify(o.locale)}`);
  }
  if (o.proxy !== undefined && o.proxy !== false) problems.push(...proxyProblems(o.proxy));
  for (const key of ['verifyCredentials', 'warmUp'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      problems.push(`${key} must be true or false; got ${JSON.stringify(o[key])}`);
    }
  }
  wholeNumber(o.maxConcurrentCalls, 'maxConcurrentCalls', 1, problems);
  wholeNumber(o.maxQueuedCalls, 'maxQueuedCalls', 0, problems);
  positive(o.idleConnectionTimeoutMs, 'idleConnectionTimeoutMs', problems);
  if (o.rateLimit !== undefined) rateLimitProblems(o.rateLimit, problems);
  if (o.ca !== undefined) problems.push(...caProblems(o.ca));
  if (o.fit !== undefined) problems.push(...fitProblems(o.fit, 'fit'));
  if (o.mediaCache !== undefined) mediaCacheProblems(o.mediaCache, problems);
  if (o.retry !== undefined) retryProblems(o.retry, problems);
  if (o.rules !== undefined) rulesProblems(o.rules, problems);
  if (o.tempDir !== undefined) tempDirProblems(o.tempDir, problems);
  return problems;
}

/** The ways to get tokens: exactly one is given. */
const CREDENTIAL_KINDS = ['corpSecret', 'tokenProvider', 'secretFor', 'suite'] as const;

/** Whether `value` is a corp id the module can use: a non-empty string of letters, digits, _ or -. */
export const isCorpId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value);

function credentialProblems(o: Loose, problems: Problems): void {
  const given = CREDENTIAL_KINDS.filter((k) => o[k] !== undefined);
  if (given.length > 1) {
    problems.push(
      `give one of corpSecret, tokenProvider, secretFor and suite; got ${given.join(', ')}`,
    );
  }
  if (given.length === 0) {
    problems.push(
      'give corpSecret (one corp, its app secret), secretFor (a secret per corp: 代开发 or several apps), suite (a third-party app) or tokenProvider',
    );
  }
  // With one secret or a custom provider there is one default corp; secretFor and suite serve
  // any corp, and a default one is optional.
  const needsCorp = o.corpSecret !== undefined || o.tokenProvider !== undefined;
  if (o.corpId !== undefined || needsCorp) {
    if (!isCorpId(o.corpId)) {
      problems.push(
        `corpId must be the corp id ("ww…": letters, digits, _ or -, at most 64)${needsCorp ? '' : ', or left out'}; got ${JSON.stringify(o.corpId) ?? 'undefined'}`,
      );
    }
  }
  if (
    o.corpSecret !== undefined &&
    (typeof o.corpSecret !== 'string' || o.corpSecret.trim() === '')
  ) {
    problems.push('corpSecret must be a non-empty string (the app secret)');
  }
  if (o.tokenProvider !== undefined) {
    const p = o.tokenProvider as Loose | null;
    if (typeof p?.getToken !== 'function' || typeof p.invalidate !== 'function') {
      problems.push('tokenProvider must have getToken() and invalidate()');
    }
  }
  if (o.secretFor !== undefined && typeof o.secretFor !== 'function') {
    problems.push(
      `secretFor must be a function (corpId) => the secret of that corp's app; got ${describeKind(o.secretFor)}`,
    );
  }
  if (o.suite !== undefined) suiteProblems(o.suite, problems);
}

/** What kind of value a setting got, without quoting it (it may be a secret). */
const describeKind = (value: unknown): string =>
  value === null
    ? 'null'
    : typeof value === 'string'
      ? value.trim() === ''
        ? 'an empty string'
        : 'a string'
      : `a ${typeof value}`;

function suiteProblems(value: unknown, problems: Problems): void {
  if (!isObject(value)) {
    problems.push('suite must be { suiteId, suiteSecret, suiteTicket, permanentCode }');
    return;
  }
  unknownKeys(value, ['suiteId', 'suiteSecret', 'suiteTicket', 'permanentCode'], 'suite', problems);
  if (typeof value.suiteId !== 'string' || value.suiteId.trim() === '') {
    problems.push(
      `suite.suiteId must be a non-empty string; got ${JSON.stringify(value.suiteId) ?? 'undefined'}`,
    );
  }
  if (typeof value.suiteSecret !== 'string' || value.suiteSecret.trim() === '') {
    // The secret itself is never quoted, only what kind of value it is.
    problems.push(
      `suite.suiteSecret must be a non-empty string; got ${describeKind(value.suiteSecret)}`,
    );
  }
  if (typeof value.suiteTicket !== 'function') {
    problems.push(
      `suite.suiteTicket must be a function () => the latest suite_ticket; got ${describeKind(value.suiteTicket)}`,
    );
  }
  if (typeof value.permanentCode !== 'function') {
    problems.push(
      `suite.permanentCode must be a function (corpId) => that corp's permanent_code; got ${describeKind(value.permanentCode)}`,
    );
  }
}

function baseUrlProblems(value: unknown): Problems {
  if (typeof value !== 'string') return ['baseUrl must be a string URL'];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`baseUrl must be an absolute http(s) URL; got ${JSON.stringify(value)}`];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [`baseUrl must use http or https; got ${url.protocol}`];
  }
  if (url.search || url.hash || url.username || url.password) {
    return ['baseUrl must not carry a query, a fragment or credentials'];
  }
  return [];
}

/**
 * What a proxy must be. Only plain HTTP proxies: https-proxy-agent leaves an unhandled 'error' on
 * a TLS socket to a proxy that hangs up during the handshake, which would end the process.
 */
export const PROXY_RULE =
  'an http:// URL such as http://proxy.internal:3128 (the tunnel to WeCom is TLS already; a TLS connection to the proxy itself is not supported)';

function proxyProblems(value: unknown): Problems {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    // reported below
  }
  // Its value may carry credentials: described, never quoted.
  if (!url || url.protocol !== 'http:') return [`proxy must be false or ${PROXY_RULE}`];
  return [];
}

/** What is wrong with a `fit` setting (the module's, or one call's). */
export function fitProblems(value: unknown, at: string): Problems {
  if (typeof value === 'boolean') return [];
  if (!isObject(value))
    return [
      `${at} must be true, false or { jpegQualities, maxInputBytes, maxInputPixels, timeoutMs, concurrency }`,
    ];
  const problems: Problems = [];
  unknownKeys(
    value,
    ['jpegQualities', 'maxInputBytes', 'maxInputPixels', 'timeoutMs', 'concurrency'],
    at,
    problems,
  );
  const qualities = value.jpegQualities;
  if (
    qualities !== undefined &&
    (!Array.isArray(qualities) ||
      qualities.length === 0 ||
      qualities.some((q) => !Number.isInteger(q) || (q as number) < 1 || (q as number) > 100))
  ) {
    problems.push(
      `${at}.jpegQualities must be a list of whole numbers from 1 to 100; got ${JSON.stringify(qualities)}`,
    );
  }
  wholeNumber(value.maxInputBytes, `${at}.maxInputBytes`, 1, problems);
  wholeNumber(value.maxInputPixels, `${at}.maxInputPixels`, 1, problems);
  positive(value.timeoutMs, `${at}.timeoutMs`, problems);
  wholeNumber(value.concurrency, `${at}.concurrency`, 1, problems);
  return problems;
}

function rateLimitProblems(value: unknown, problems: Problems): void {
  if (typeof value === 'boolean') return;
  if (!isObject(value)) {
    problems.push(
      `rateLimit must be true, false or { perMinute, perHour, maxWaitMs }; got ${describeKind(value)}`,
    );
    return;
  }
  unknownKeys(value, ['perMinute', 'perHour', 'maxWaitMs'], 'rateLimit', problems);
  wholeNumber(value.perMinute, 'rateLimit.perMinute', 1, problems);
  wholeNumber(value.perHour, 'rateLimit.perHour', 1, problems);
  nonNegative(value.maxWaitMs, 'rateLimit.maxWaitMs', problems);
  if (isNumber(value.perMinute) && isNumber(value.perHour) && value.perMinute > value.perHour) {
    problems.push(
      `rateLimit.perMinute (${value.perMinute}) must not be more than rateLimit.perHour (${value.perHour})`,
    );
  }
}

/** Each CA must be a PEM certificate: a typo would otherwise surface as a TLS error per upload. */
function caProblems(value: unknown): Problems {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) return ['ca must name at least one certificate (PEM), or be left out'];
  const problems: Problems = [];
  list.forEach((item, at) => {
    const name = Array.isArray(value) ? `ca[${at}]` : 'ca';
    if (typeof item !== 'string' && !Buffer.isBuffer(item)) {
      problems.push(
        `${name} must be a PEM certificate (a string or a Buffer); got ${describeKind(item)}`,
      );
      return;
    }
    try {
      void new X509Certificate(item).subject;
    } catch {
      problems.push(`${name} is not a PEM certificate (-----BEGIN CERTIFICATE-----…)`);
    }
  });
  return problems;
}

function mediaCacheProblems(value: unknown, problems: Problems): void {
  if (typeof value === 'boolean') return;
  if (!isObject(value)) {
    problems.push('mediaCache must be true, false or { safetyMarginMs }');
    return;
  }
  unknownKeys(value, ['safetyMarginMs'], 'mediaCache', problems);
  const margin = value.safetyMarginMs;
  if (margin !== undefined && !(isNumber(margin) && margin >= 0 && margin < MEDIA_ID_LIFETIME_MS)) {
    problems.push(
      `mediaCache.safetyMarginMs must be 0 or more and less than 3 days (a media_id's life); got ${String(margin)}`,
    );
  }
}

function retryProblems(value: unknown, problems: Problems): void {
  if (!isObject(value)) {
    problems.push('retry must be an object { busyRetries?, baseDelayMs?, maxDelayMs? }');
    return;
  }
  unknownKeys(value, ['busyRetries', 'baseDelayMs', 'maxDelayMs'], 'retry', problems);
  const { busyRetries, baseDelayMs, maxDelayMs } = value;
  if (
    busyRetries !== undefined &&
    !(Number.isInteger(busyRetries) && (busyRetries as number) >= 0)
  ) {
    problems.push(
      `retry.busyRetries must be a whole number, 0 or more; got ${String(busyRetries)}`,
    );
  }
  nonNegative(baseDelayMs, 'retry.baseDelayMs', problems);
  nonNegative(maxDelayMs, 'retry.maxDelayMs', problems);
  if (isNumber(baseDelayMs) && isNumber(maxDelayMs) && maxDelayMs < baseDelayMs) {
    problems.push(
      `retry.maxDelayMs (${maxDelayMs}) must not be less than retry.baseDelayMs (${baseDelayMs})`,
    );
  }
}

function rulesProblems(value: unknown, problems: Problems): void {
  if (!isObject(value)) {
    problems.push('rules must be an object of overrides');
    return;
  }
  const keys = ['minBytesExclusive', 'mediaTypes', 'attachmentTypes', 'momentImage', 'momentVideo'];
  unknownKeys(value, [...keys, 'maxFilenameBytes'], 'rules', problems);
  wholeNumber(value.minBytesExclusive, 'rules.minBytesExclusive', 0, problems);
  wholeNumber(value.maxFilenameBytes, 'rules.maxFilenameBytes', 1, problems);
  const mediaTypes = value.mediaTypes;
  if (mediaTypes !== undefined) {
    if (!isObject(mediaTypes)) problems.push('rules.mediaTypes must be an object');
    else {
      unknownKeys(mediaTypes, MEDIA_TYPES, 'rules.mediaTypes', problems);
      for (const [type, rule] of Object.entries(mediaTypes))
        mediaTypeRuleProblems(type, rule, problems);
    }
  }
  const attachmentTypes = value.attachmentTypes;
  if (attachmentTypes !== undefined) {
    if (!isObject(attachmentTypes)) problems.push('rules.attachmentTypes must be an object');
    else {
      unknownKeys(attachmentTypes, ATTACHMENT_TYPES.map(String), 'rules.attachmentTypes', problems);
      for (const [type, list] of Object.entries(attachmentTypes)) {
        if (!Array.isArray(list) || list.some((t) => !MEDIA_TYPES.includes(t as never))) {
          problems.push(
            `rules.attachmentTypes.${type} must be a list of ${MEDIA_TYPES.join(', ')}; got ${JSON.stringify(list)}`,
          );
        }
      }
    }
  }
  const image = value.momentImage;
  if (image !== undefined) {
    if (!isObject(image)) problems.push('rules.momentImage must be an object');
    else {
      unknownKeys(image, ['maxLongEdge', 'maxShortEdge'], 'rules.momentImage', problems);
      wholeNumber(image.maxLongEdge, 'rules.momentImage.maxLongEdge', 1, problems);
      wholeNumber(image.maxShortEdge, 'rules.momentImage.maxShortEdge', 1, problems);
    }
  }
  const video = value.momentVideo;
  if (video !== undefined) {
    if (!isObject(video)) problems.push('rules.momentVideo must be an object');
    else {
      unknownKeys(video, ['maxDurationSeconds'], 'rules.momentVideo', problems);
      positive(video.maxDurationSeconds, 'rules.momentVideo.maxDurationSeconds', problems);
    }
  }
}

function mediaTypeRuleProblems(type: string, rule: unknown, problems: Problems): void {
  const at = `rules.mediaTypes.${type}`;
  if (!isObject(rule)) {
    problems.push(`${at} must be an object { maxBytes?, formats? }`);
    return;
  }
  unknownKeys(rule, ['maxBytes', 'formats'], at, problems);
  wholeNumber(rule.maxBytes, `${at}.maxBytes`, 1, problems);
  const formats = rule.formats;
  if (
    formats !== undefined &&
    (!Array.isArray(formats) || formats.some((f) => !FORMATS.has(f as string)))
  ) {
    problems.push(
      `${at}.formats must be a list of ${[...FORMATS].join(', ')}; got ${JSON.stringify(formats)}`,
    );
  }
}

function tempDirProblems(value: unknown, problems: Problems): void {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push('tempDir must be the path of an existing directory');
    return;
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(value).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory)
    problems.push(`tempDir must be an existing directory; ${JSON.stringify(value)} is not`);
}

function unknownKeys(value: Loose, known: readonly string[], at: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.push(`unknown option ${at}.${key}`);
  }
}

function positive(value: unknown, name: string, problems: Problems): void {
  if (value !== undefined && !(isNumber(value) && value > 0 && value <= MAX_TIMER_MS)) {
    problems.push(
      `${name} must be a positive number of milliseconds, at most ${MAX_TIMER_MS}; got ${String(value)}`,
    );
  }
}

function nonNegative(value: unknown, name: string, problems: Problems): void {
  if (value !== undefined && !(isNumber(value) && value >= 0 && value <= MAX_TIMER_MS)) {
    problems.push(`${name} must be 0 or more, at most ${MAX_TIMER_MS}; got ${String(value)}`);
  }
}

function wholeNumber(value: unknown, name: string, min: number, problems: Problems): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= min)) {
    problems.push(`${name} must be a whole number, ${min} or more; got ${String(value)}`);
  }
}

const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const isObject = (v: unknown): v is Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
