import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AttachmentFileInterceptor,
  DEFAULT_ATTACHMENT_RULES,
  MemoryStore,
  WecomMediaModule,
} from '../../lib/index.js';
import { WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from '../../lib/options/option-table.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';

const OPTION_DEFAULTS = { retry: WECOM_MEDIA_OPTIONS.fields.retry.resolve(undefined) };
/** The controller extra as the module resolves it: off, or its settings with their defaults. */
function resolveControllerOptions(extra: unknown) {
  const controller = WECOM_MEDIA_EXTRAS.fields.controller;
  const [problem] = controller.problems(extra, 'controller');
  if (problem) throw new Error(problem);
  return controller.resolve(extra as never) || undefined;
}

const base = { corpId: 'ww1', corpSecret: 'the-secret-value' };

/** The message resolveOptions throws for `options`. */
function problemsOf(options: Record<string, unknown>): string {
  try {
    resolveOptions(options);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('resolveOptions', () => {
  it('fills in every default, in one object', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      corpId: 'ww1',
      credentials: { corpSecret: 'the-secret-value' },
      baseUrl: 'https://qyapi.weixin.qq.com',
      store: undefined,
      storeTimeoutMs: 500,
      mediaCache: false,
      timeoutMs: 30_000,
      retry: { busyRetries: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
      tempDir: tmpdir(),
      shutdownTimeoutMs: 10_000,
      tokenRefreshAheadMs: 300_000,
      credentialsCooldownMs: 300_000,
      tokenLock: { leaseMs: 31_000, waitMs: 33_000 },
      concurrency: { perCorp: 10, maxQueued: 1_000 },
      rateLimit: false,
      warmUp: true,
      idleConnectionTimeoutMs: 15_000,
      ca: undefined,
    });
    expect(resolved.rules).toEqual(DEFAULT_ATTACHMENT_RULES);
    expect(resolveOptions({ ...base, rateLimit: true }).rateLimit).toEqual({
      perMinute: 10_000,
      perHour: 150_000,
      maxWaitMs: 0,
    });
    expect(resolveOptions({ ...base, rateLimit: { perMinute: 60 } }).rateLimit).toEqual({
      perMinute: 60,
      perHour: 150_000,
      maxWaitMs: 0,
    });
  });

  it('keeps the module’s fit.concurrency (a call’s fit never changes it)', () => {
    const resolved = resolveOptions({ ...base, fit: { concurrency: 3, timeoutMs: 300 } });
    expect(resolved.fit).toMatchObject({ concurrency: 3, timeoutMs: 300 });
  });

  it('derives the refresh lock from timeoutMs, and keeps partial overrides whole', () => {
    const resolved = resolveOptions({
      ...base,
      baseUrl: 'http://127.0.0.1:1234/',
      timeoutMs: 2_000,
      retry: { busyRetries: 1 },
      mediaCache: true,
      rules: { momentVideo: { maxDurationSeconds: 60 } },
    });
    expect(resolved.baseUrl).toBe('http://127.0.0.1:1234');
    expect(resolved.tokenLock).toEqual({ leaseMs: 3_000, waitMs: 5_000 });
    expect(resolved.retry).toEqual({ ...OPTION_DEFAULTS.retry, busyRetries: 1 });
    expect(resolved.mediaCache).toEqual({ safetyMarginMs: 3_600_000 });
    expect(resolved.rules.momentVideo.maxDurationSeconds).toBe(60);
    expect(resolved.rules.momentImage).toEqual(DEFAULT_ATTACHMENT_RULES.momentImage);
  });

  it('takes secretFor or a suite without a default corp, and with one', () => {
    const secretFor = resolveOptions({ secretFor: () => 's' });
    expect(secretFor.corpId).toBeUndefined();
    expect(secretFor.credentials.kind).toBe('secretFor');
    const suite = {
      suiteId: 'tj1',
      suiteSecret: 's',
      suiteTicket: () => 't',
      permanentCode: () => 'c',
    };
    expect(resolveOptions({ suite, corpId: 'ww1' })).toMatchObject({
      corpId: 'ww1',
      credentials: { kind: 'suite', suite },
    });
  });

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a missing corpId', { corpSecret: 's' }, /corpId must be the corp id \("ww…"/],
    ['an empty secret', { corpId: 'ww1', corpSecret: '  ' }, /corpSecret must be a non-empty/],
    ['a bad baseUrl', { ...base, baseUrl: 'qyapi.weixin.qq.com' }, /baseUrl must be an absolute/],
    ['a baseUrl with a query', { ...base, baseUrl: 'https://x/?a=1' }, /must not carry a query/],
    ['a negative timeout', { ...base, timeoutMs: -1 }, /timeoutMs must be a positive/],
    [
      'both secret and provider',
      { ...base, tokenProvider: { getToken() {}, invalidate() {} } },
      /give one of corpSecret, tokenProvider, secretFor and suite; got corpSecret, tokenProvider/,
    ],
    [
      'no way to get tokens',
      { corpId: 'ww1' },
      /give corpSecret \(one corp, its app secret\), secretFor/,
    ],
    ['a corp id with a space', { ...base, corpId: 'ww 1' }, /corpId must be the corp id/],
    ['a secretFor that is no function', { secretFor: 'x' }, /secretFor must be a function/],
    [
      'a suite without its ticket',
      { suite: { suiteId: 'tj1', suiteSecret: 's', permanentCode: () => 'c' } },
      /suite.suiteTicket must be a function/,
    ],
    [
      'a suite with a typo',
      {
        suite: {
          suiteId: 'tj1',
          suiteSecret: 's',
          suiteTicket: () => 't',
          permanentcode: () => 'c',
        },
      },
      /suite.permanentCode must be a function.*|unknown/,
    ],
    ['a typo', { ...base, corpsecret: 'x' }, /unknown option "corpsecret"/],
    ['an extra from a factory', { ...base, controller: true }, /controller is an extra/],
    [
      'a store without its methods',
      { ...base, store: { get() {} } },
      /store must implement WecomStore; it lacks set, delete, compareAndDelete, acquireLock/,
    ],
    [
      'a mediaCache that is neither',
      { ...base, mediaCache: 'yes' },
      /mediaCache must be true, false or/,
    ],
    [
      'a media-id margin past a media_id life',
      { ...base, mediaCache: { safetyMarginMs: 4 * 86_400_000 } },
      /mediaCache.safetyMarginMs must be 0 or more and less than 3 days/,
    ],
    [
      'a fractional retry count',
      { ...base, retry: { busyRetries: 1.5 } },
      /retry.busyRetries must be a whole number/,
    ],
    [
      'a backoff cap under its base',
      { ...base, retry: { baseDelayMs: 500, maxDelayMs: 100 } },
      /retry.maxDelayMs \(100\) must not be less than retry.baseDelayMs \(500\)/,
    ],
    [
      'a negative backoff',
      { ...base, retry: { baseDelayMs: -1 } },
      /retry.baseDelayMs must be 10 or more milliseconds/,
    ],
    ['an unknown rule', { ...base, rules: { maxBytes: 1 } }, /unknown option rules.maxBytes/],
    [
      'a format nobody reads',
      { ...base, rules: { mediaTypes: { image: { formats: ['jpg'] } } } },
      /rules.mediaTypes.image.formats must be a list of png, jpeg, mp4/,
    ],
    [
      'a size of zero',
      { ...base, rules: { mediaTypes: { video: { maxBytes: 0 } } } },
      /rules.mediaTypes.video.maxBytes must be a whole number, 1 or more/,
    ],
    [
      'an unknown media type',
      { ...base, rules: { mediaTypes: { voice: {} } } },
      /unknown option rules.mediaTypes.voice/,
    ],
    [
      'an attachment type taking an unknown media type',
      { ...base, rules: { attachmentTypes: { 2: ['image', 'voice'] } } },
      /rules.attachmentTypes.2 must be a list of image, video, file/,
    ],
    [
      'a negative edge',
      { ...base, rules: { momentImage: { maxShortEdge: -5 } } },
      /rules.momentImage.maxShortEdge must be a whole number, 1 or more/,
    ],
    [
      'a zero duration',
      { ...base, rules: { momentVideo: { maxDurationSeconds: 0 } } },
      /rules.momentVideo.maxDurationSeconds must be a positive/,
    ],
    [
      'an empty tempDir',
      { ...base, tempDir: '' },
      /tempDir must be the path of an existing directory/,
    ],
    [
      'a tempDir that does not exist',
      { ...base, tempDir: '/no/such/dir' },
      /tempDir must be an existing directory; "\/no\/such\/dir" is not/,
    ],
    [
      'a negative cool-down',
      { ...base, credentialsCooldownMs: -1 },
      /credentialsCooldownMs must be 0 or more/,
    ],
    [
      'no place for a call',
      { ...base, maxConcurrentCalls: 0 },
      /maxConcurrentCalls must be a whole number, 1 or more; got 0/,
    ],
    [
      'a fractional line',
      { ...base, maxQueuedCalls: 2.5 },
      /maxQueuedCalls must be a whole number, 0 or more; got 2.5/,
    ],
    [
      'a rateLimit of a number',
      { ...base, rateLimit: 100 },
      /rateLimit must be true, false or \{ perMinute, perHour, maxWaitMs \}; got a number/,
    ],
    [
      'a zero perMinute',
      { ...base, rateLimit: { perMinute: 0 } },
      /rateLimit.perMinute must be a whole number, 1 or more; got 0/,
    ],
    ['a rateLimit typo', { ...base, rateLimit: { perMinutes: 10 } }, /perMinutes/],
    [
      'a negative maxWaitMs',
      { ...base, rateLimit: { maxWaitMs: -1 } },
      /rateLimit.maxWaitMs must be 0 or more/,
    ],
    ['warmUp as a string', { ...base, warmUp: 'yes' }, /warmUp must be true or false; got "yes"/],
    [
      'a zero idle timeout',
      { ...base, idleConnectionTimeoutMs: 0 },
      /idleConnectionTimeoutMs must be a positive/,
    ],
    ['a ca that is no PEM', { ...base, ca: 'hello' }, /ca is not a PEM certificate/],
    [
      'a ca list with a number',
      { ...base, ca: [42] },
      /ca\[0\] must be a PEM certificate \(a string or a Buffer\); got a number/,
    ],
    ['an empty ca list', { ...base, ca: [] }, /ca must name at least one certificate/],
  ];
  it.each(cases)('rejects %s', (_what, options, message) => {
    expect(problemsOf(options)).toMatch(message);
  });

  it('lists every problem at once, and never quotes the secret', () => {
    const message = problemsOf({
      corpId: '',
      corpSecret: 'top-secret-value',
      baseUrl: 'ftp://x',
      rules: { minBytesExclusive: -1 },
    });
    expect(message).toMatch(/corpId must be/);
    expect(message).toMatch(/baseUrl must use http or https/);
    expect(message).toMatch(/rules.minBytesExclusive must be a whole number, 0 or more/);
    expect(message).not.toContain('top-secret-value');
  });

  it('takes a file as tempDir for what it is: not a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wecom-options-'));
    try {
      await writeFile(join(dir, 'file'), 'x');
      expect(problemsOf({ ...base, tempDir: join(dir, 'file') })).toMatch(/is not/);
      expect(problemsOf({ ...base, tempDir: dir, store: new MemoryStore() })).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('resolveControllerOptions', () => {
  it('is off unless asked for, and fills in the defaults', () => {
    expect(resolveControllerOptions(undefined)).toBeUndefined();
    expect(resolveControllerOptions(false)).toBeUndefined();
    expect(resolveControllerOptions(true)).toEqual({
      path: 'wecom/attachments',
      guards: [],
      receiveTimeoutMs: 120_000,
    });
    expect(resolveControllerOptions({ path: '/uploads' })?.path).toBe('uploads');
  });

  it('refuses bad settings at once', () => {
    expect(() => resolveControllerOptions({ receiveTimeoutMs: 0 })).toThrow(
      /controller.receiveTimeoutMs must be a positive number of milliseconds, at most 2147483647; got 0/,
    );
    expect(() => resolveControllerOptions({ receiveTimeoutMs: 3e9 })).toThrow(/at most 2147483647/);
    expect(() => resolveControllerOptions('yes' as never)).toThrow(
      /controller must be true, false/,
    );
    expect(() => AttachmentFileInterceptor('media', { receiveTimeoutMs: 3e9 })).toThrow(
      /AttachmentFileInterceptor: receiveTimeoutMs must be a positive number of milliseconds/,
    );
    expect(() => WecomMediaModule.forRoot({ ...base, isGlobal: 'yes' as never })).toThrow(
      /isGlobal must be true or false; got "yes"/,
    );
  });
});
