import { Readable } from 'node:stream';
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AttachmentRuleError,
  AttachmentService,
  AttachmentType,
  MediaType,
  WecomCredentialSourceError,
  WecomInvalidCredentialsError,
  WecomMediaModule,
  type AccessTokenProvider,
  type AttachmentInput,
  type SuiteCredentials,
  type WecomMediaModuleExtras,
  type WecomMediaModuleOptions,
} from '../../lib/index.js';
import { WecomEmulator, type EmulatorSuite } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { LogCapture } from '../helpers/log-capture.js';

// Three corps a service provider serves: each with its own 代开发 secret, and each authorised
// for the provider's third-party app with its own permanent code.
const CORPS = ['wwcorpalpha000001', 'wwcorpbeta0000002', 'wwcorpgamma000003'] as const;
const [A, B, C] = CORPS;
const secretOf = (corp: string) => `secret-of-${corp}`;
const codeOf = (corp: string) => `permanent-code-of-${corp}`;
const SUITE: EmulatorSuite = {
  suiteId: 'wwsuite000000001',
  suiteSecret: 'suite-secret-0001',
  suiteTicket: 'ticket-0001',
  permanentCodes: Object.fromEntries(CORPS.map((c) => [c, codeOf(c)])),
};

/** The app's credentials for SUITE: the current ticket and each corp's code, unless told otherwise. */
const suiteCredentials = (over: Partial<SuiteCredentials> = {}): SuiteCredentials => ({
  suiteId: SUITE.suiteId,
  suiteSecret: SUITE.suiteSecret,
  suiteTicket: () => SUITE.suiteTicket,
  permanentCode: codeOf,
  ...over,
});

const png = makePng(64, 48);
const input = (over: Partial<AttachmentInput> = {}): AttachmentInput =>
  ({
    file: png,
    filename: 'product.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
    ...over,
  }) as AttachmentInput;

interface CorpsApp {
  service: AttachmentService;
  logs: LogCapture;
  close(): Promise<void>;
}

async function boot(options: WecomMediaModuleOptions & WecomMediaModuleExtras): Promise<CorpsApp> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    // Warm-up off: each test counts the token calls its uploads make.
    imports: [
      WecomMediaModule.forRoot({
        retry: { baseDelayMs: 10, maxDelayMs: 20 },
        warmUp: false,
        ...options,
      } as WecomMediaModuleOptions & WecomMediaModuleExtras),
    ],
  })
    .setLogger(logs)
    .compile();
  const app = moduleRef.createNestApplication({ logger: logs });
  await app.init();
  return { service: app.get(AttachmentService), logs, close: () => app.close() };
}

let emulator: WecomEmulator;
beforeAll(async () => {
  emulator = await WecomEmulator.start({
    apps: CORPS.map((corpId) => ({ corpId, corpSecret: secretOf(corpId) })),
    suites: [SUITE],
  });
});
afterAll(() => emulator.close());

/** Whose access token each successful upload carried, as the emulator saw it. */
const uploadsByCorp = () =>
  emulator.uploads
    .filter((u) => u.errcode === 0)
    .reduce<Record<string, number>>((n, u) => ({ ...n, [u.corpId!]: (n[u.corpId!] ?? 0) + 1 }), {});

describe('代开发: secretFor, one secret per corp', () => {
  let app: CorpsApp;
  let asked: string[];
  beforeEach(async () => {
    emulator.reset();
    asked = [];
    app = await boot({
      corpId: A,
      baseUrl: emulator.url,
      secretFor: async (corpId) => {
        asked.push(corpId);
        return secretOf(corpId);
      },
    });
  });
  afterEach(() => app.close());

  it('each upload goes out with its own corp’s token; without corpId, the default corp', async () => {
    await Promise.all([
      app.service.upload(input()),
      ...CORPS.map((corpId) => app.service.upload(input({ corpId }))),
      ...CORPS.map((corpId) => app.service.upload(input({ corpId }))),
    ]);
    expect(uploadsByCorp()).toEqual({ [A]: 3, [B]: 2, [C]: 2 });
    // One gettoken per corp, each with that corp's secret, and each secret asked for once.
    expect(
      emulator
        .callsOf('gettoken')
        .map((r) => r.corpId)
        .toSorted(),
    ).toEqual([...CORPS].toSorted());
    expect(asked.toSorted()).toEqual([...CORPS].toSorted());
  });

  it('one corp’s expired token: that corp refreshes once, the others make no call', async () => {
    await Promise.all(CORPS.map((corpId) => app.service.upload(input({ corpId }))));
    emulator.expireTokens(B);
    await Promise.all(
      CORPS.flatMap((corpId) => [1, 2, 3].map(() => app.service.upload(input({ corpId })))),
    );
    expect(emulator.callsOf('gettoken', A)).toHaveLength(1);
    expect(emulator.callsOf('gettoken', B)).toHaveLength(2);
    expect(emulator.callsOf('gettoken', C)).toHaveLength(1);
    expect(uploadsByCorp()).toEqual({ [A]: 4, [B]: 4, [C]: 4 });
  });

  it('one corp’s refused secret fails only its uploads, fast, and never in a loop', async () => {
    const broken = await boot({
      baseUrl: emulator.url,
      secretFor: (corpId) => (corpId === B ? 'a-rotated-away-secret' : secretOf(corpId)),
    });
    try {
      const results = await Promise.allSettled(
        CORPS.flatMap((corpId) => [1, 2, 3].map(() => broken.service.upload(input({ corpId })))),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toHaveLength(3);
      for (const f of failed) {
        expect(f.reason).toBeInstanceOf(WecomInvalidCredentialsError);
        expect((f.reason as WecomInvalidCredentialsError).errcode).toBe(40001);
      }
      expect(emulator.callsOf('gettoken', B)).toHaveLength(1); // single-flight
      // Again: answered from the cool-down, WeCom not asked.
      const again = await broken.service.upload(input({ corpId: B })).catch((e: unknown) => e);
      expect(again).toMatchObject({ cached: true, errcode: 40001 });
      expect(emulator.callsOf('gettoken', B)).toHaveLength(1);
      expect(await broken.service.upload(input({ corpId: C }))).toMatchObject({ reused: false });
      expect(broken.logs.text).not.toContain('a-rotated-away-secret');
      expect(String(again)).not.toContain('a-rotated-away-secret');
    } finally {
      await broken.close();
    }
  });

  it('a secretFor that throws or returns nothing fails that corp only, and is asked again', async () => {
    let failing = true;
    const flaky = await boot({
      baseUrl: emulator.url,
      secretFor: (corpId) => {
        if (corpId === B && failing) throw new Error('vault unreachable');
        return corpId === C && failing ? '' : secretOf(corpId);
      },
    });
    try {
      await expect(flaky.service.upload(input({ corpId: B }))).rejects.toThrow('vault unreachable');
      await expect(flaky.service.upload(input({ corpId: C }))).rejects.toThrow(
        "secretFor('wwcorpgamma000003') returned no credential",
      );
      await flaky.service.upload(input({ corpId: A }));
      failing = false;
      await flaky.service.upload(input({ corpId: B }));
      await flaky.service.upload(input({ corpId: C }));
      expect(uploadsByCorp()).toEqual({ [A]: 1, [B]: 1, [C]: 1 });
    } finally {
      await flaky.close();
    }
  });

  it('a malformed corpId is a corp-id violation, and nothing is sent', async () => {
    const error = await app.service
      .upload(input({ corpId: 'ww corp/../x' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations).toEqual([
      expect.objectContaining({ rule: 'corp-id', actual: 'ww corp/../x' }),
    ]);
    expect(await app.service.check(input({ corpId: '' }))).toEqual([
      expect.objectContaining({ rule: 'corp-id' }),
    ]);
    expect(emulator.requests).toHaveLength(0);
    expect(asked).toEqual([]);
  });

  it('the media-id cache never answers one corp with another corp’s media_id', async () => {
    const cached = await boot({
      baseUrl: emulator.url,
      mediaCache: true,
      secretFor: (corpId) => secretOf(corpId),
    });
    try {
      const a1 = await cached.service.upload(input({ corpId: A }));
      const b1 = await cached.service.upload(input({ corpId: B }));
      const a2 = await cached.service.upload(input({ corpId: A }));
      const b2 = await cached.service.upload(input({ corpId: B }));
      expect(b1.reused).toBe(false);
      expect(b1.mediaId).not.toBe(a1.mediaId);
      expect(a2).toEqual({ ...a1, reused: true });
      expect(b2).toEqual({ ...b1, reused: true });
      expect(uploadsByCorp()).toEqual({ [A]: 1, [B]: 1 });
    } finally {
      await cached.close();
    }
  });
});

describe('a third-party app: suite', () => {
  let ticket: string;
  let codes: Record<string, string>;
  const suite = (): SuiteCredentials =>
    suiteCredentials({
      suiteTicket: () => ticket,
      permanentCode: (corpId) => codes[corpId] ?? 'unknown-code',
    });
  let app: CorpsApp;
  beforeEach(async () => {
    emulator.reset(); // the ticket and every authorisation as the options gave them
    ticket = SUITE.suiteTicket;
    codes = { ...SUITE.permanentCodes };
    app = await boot({ baseUrl: emulator.url, suite: suite() });
  });
  afterEach(() => app.close());

  it('a cold burst over three corps: one get_suite_token, one get_corp_token per corp', async () => {
    await Promise.all(
      CORPS.flatMap((corpId) =>
        Array.from({ length: 20 }, () => app.service.upload(input({ corpId }))),
      ),
    );
    expect(uploadsByCorp()).toEqual({ [A]: 20, [B]: 20, [C]: 20 });
    expect(emulator.callsOf('get_suite_token')).toHaveLength(1);
    for (const corpId of CORPS) expect(emulator.callsOf('get_corp_token', corpId)).toHaveLength(1);
    expect(emulator.callsOf('gettoken')).toHaveLength(0);
    // The suite secret and the codes travel in the JSON body, never in a URL.
    for (const r of emulator.requests) {
      expect(JSON.stringify(r.query)).not.toMatch(/suite-secret|permanent-code/);
    }
  });

  it('with no default corp, an upload that names none is a corp-id violation', async () => {
    const error = await app.service.upload(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations[0]).toMatchObject({ rule: 'corp-id' });
    expect(String(error)).toContain('give corpId');
    expect(emulator.requests).toHaveLength(0);
  });

  it('an expired suite token is fetched again once, only when a corp token is needed', async () => {
    await Promise.all(CORPS.map((corpId) => app.service.upload(input({ corpId }))));
    emulator.expireSuiteTokens();
    emulator.expireTokens(A);
    await Promise.all(
      CORPS.flatMap((corpId) => [1, 2].map(() => app.service.upload(input({ corpId })))),
    );
    expect(emulator.callsOf('get_suite_token')).toHaveLength(2);
    // A's get_corp_token met 42009 once, then went through with the new suite token.
    expect(emulator.callsOf('get_corp_token', A).map((r) => r.errcode)).toEqual([0, 42009, 0]);
    expect(emulator.callsOf('get_corp_token', B)).toHaveLength(1);
    expect(uploadsByCorp()).toEqual({ [A]: 3, [B]: 3, [C]: 3 });
  });

  it('a revoked authorisation: that corp fails typed and fast, once; the others keep uploading', async () => {
    await Promise.all(CORPS.map((corpId) => app.service.upload(input({ corpId }))));
    emulator.revokeAuthorisation(B);
    emulator.expireTokens(); // every corp needs a new token now
    const burst = () => [1, 2, 3, 4].map(() => app.service.upload(input({ corpId: B })));
    const failed = (await Promise.allSettled(burst())).map((r) =>
      r.status === 'rejected' ? (r.reason as unknown) : r.value,
    );
    for (const reason of failed) {
      expect(reason).toBeInstanceOf(WecomInvalidCredentialsError);
      expect(reason).toMatchObject({ errcode: 40084, api: '/cgi-bin/service/get_corp_token' });
    }
    expect(String(failed[0])).toContain('authoris');
    const refusedCalls = () => emulator.callsOf('get_corp_token', B).filter((r) => r.errcode);
    expect(refusedCalls()).toHaveLength(1);
    // B's refusal holds up nobody else: A and C fetch their new tokens while B cools down.
    await Promise.all(
      [A, C].flatMap((corpId) => [1, 2, 3, 4].map(() => app.service.upload(input({ corpId })))),
    );
    // No loop: the next upload for B is answered from the cool-down.
    await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
      cached: true,
      errcode: 40084,
    });
    expect(refusedCalls()).toHaveLength(1);
    expect(emulator.callsOf('get_suite_token')).toHaveLength(1); // the suite was not blamed
    expect(uploadsByCorp()).toEqual({ [A]: 5, [B]: 1, [C]: 5 });
    expect(app.logs.text).not.toContain(codeOf(B));
  });

  it('a re-authorised corp’s new permanent code is used at once, despite the cool-down', async () => {
    emulator.revokeAuthorisation(B);
    await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
      errcode: 40084,
    });
    codes[B] = 'a-new-permanent-code';
    emulator.grantAuthorisation(B, SUITE.suiteId, 'a-new-permanent-code');
    await app.service.upload(input({ corpId: B }));
    expect(uploadsByCorp()).toEqual({ [B]: 1 });
  });

  it('a stale suite ticket is a typed error for the suite, remembered; the next ticket is tried at once', async () => {
    emulator.setSuiteTicket(SUITE.suiteId, 'ticket-0002');
    const error = await app.service.upload(input({ corpId: A })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    expect(error).toMatchObject({ errcode: 40085, api: '/cgi-bin/service/get_suite_token' });
    await expect(app.service.upload(input({ corpId: C }))).rejects.toMatchObject({
      cached: true,
      errcode: 40085,
    });
    expect(emulator.callsOf('get_suite_token')).toHaveLength(1);
    ticket = 'ticket-0002'; // WeCom pushed it; the app stored it
    await app.service.upload(input({ corpId: C }));
    expect(emulator.callsOf('get_suite_token')).toHaveLength(2);
    expect(app.logs.text).not.toContain('ticket-0001');
  });

  it('verifyCredentials without a default corp checks the suite at boot', async () => {
    ticket = 'not-the-ticket';
    await expect(
      boot({ baseUrl: emulator.url, suite: suite(), verifyCredentials: true }),
    ).rejects.toMatchObject({ errcode: 40085 });
  });
});

describe('a token provider of your own', () => {
  it('is asked for each corp’s token, and told which corp’s token WeCom called expired', async () => {
    emulator.reset();
    const asked: string[] = [];
    const invalidated: Array<[string, string]> = [];
    const issued = new Map<string, string>();
    const provider: AccessTokenProvider = {
      getToken: async ({ corpId }) => {
        asked.push(corpId);
        if (!issued.has(corpId)) {
          const answer = await fetch(
            `${emulator.url}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=${secretOf(corpId)}`,
          );
          issued.set(corpId, ((await answer.json()) as { access_token: string }).access_token);
        }
        return issued.get(corpId)!;
      },
      invalidate: async (token, { corpId }) => {
        invalidated.push([corpId, token === issued.get(corpId) ? 'current' : 'other']);
        issued.delete(corpId);
      },
    };
    const app = await boot({ corpId: A, baseUrl: emulator.url, tokenProvider: provider });
    try {
      await app.service.upload(input({ corpId: C }));
      emulator.expireTokens(C);
      await app.service.upload(input({ corpId: C }));
      await app.service.upload(input());
      expect(asked).toEqual([C, C, C, A]);
      expect(invalidated).toEqual([[C, 'current']]);
      expect(uploadsByCorp()).toEqual({ [A]: 1, [C]: 2 });
    } finally {
      await app.close();
    }
  });
});

describe('one corp by its secret, as before', () => {
  it('refuses an upload for another corp, naming both, before anything is sent', async () => {
    emulator.reset();
    const app = await boot({ corpId: A, corpSecret: secretOf(A), baseUrl: emulator.url });
    try {
      const error = await app.service.upload(input({ corpId: B })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentRuleError);
      expect(String(error)).toContain(`corp ${A} only, not of ${B}`);
      expect(emulator.requests).toHaveLength(0);
      await app.service.upload(input({ corpId: A }));
      expect(uploadsByCorp()).toEqual({ [A]: 1 });
    } finally {
      await app.close();
    }
  });
});

describe('credential callbacks that misbehave', () => {
  beforeEach(() => emulator.reset());

  it('a secretFor that never answers: the upload’s signal still ends it, and so does timeoutMs; close() is not held up', async () => {
    let calls = 0;
    const hung = await boot({
      baseUrl: emulator.url,
      timeoutMs: 1_000,
      shutdownTimeoutMs: 200,
      secretFor: (corpId) => {
        calls += 1;
        return corpId === A ? new Promise<string>(() => undefined) : secretOf(corpId);
      },
    });
    try {
      const aborted = await hung.service
        .upload(input({ corpId: A, signal: AbortSignal.timeout(100) }))
        .catch((e: unknown) => e);
      expect(aborted).toMatchObject({ name: 'TimeoutError' });
      // The other corps are not held up meanwhile.
      await hung.service.upload(input({ corpId: B }));
      const timedOut = await hung.service.upload(input({ corpId: A })).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(WecomCredentialSourceError);
      expect(timedOut).toMatchObject({ reason: 'timeout', source: `secretFor('${A}')` });
      expect(String(timedOut)).toContain('did not answer within 1000 ms');
      // Asked again on the next upload, not stuck on the hung one.
      const before = calls;
      const again = hung.service
        .upload(input({ corpId: A, signal: AbortSignal.timeout(2_000) }))
        .catch((e: unknown) => e);
      await vi.waitFor(() => expect(calls).toBeGreaterThan(before));
      expect(await again).toMatchObject({ reason: 'timeout' });
      expect(emulator.callsOf('gettoken', A)).toHaveLength(0);
    } finally {
      await hung.close();
    }
  });

  it('a callback’s own error is wrapped and redacted, never passed on as it is', async () => {
    const leaky = await boot({
      baseUrl: emulator.url,
      suite: suiteCredentials({
        permanentCode: (corpId) => {
          if (corpId === B)
            throw new Error(`db: code ${codeOf(A)} and ${SUITE.suiteSecret} are stale`);
          return codeOf(corpId);
        },
      }),
    });
    try {
      await leaky.service.upload(input({ corpId: A })); // A's code is known to the module now
      const error = await leaky.service.upload(input({ corpId: B })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomCredentialSourceError);
      expect(error).toMatchObject({ reason: 'threw', source: `suite.permanentCode('${B}')` });
      expect((error as Error).cause).toBeUndefined();
      expect(String(error)).toContain('db: code *** and *** are stale');
      expect(leaky.logs.text).not.toContain(codeOf(A));
      expect(leaky.logs.text).not.toContain(SUITE.suiteSecret);
      const none = await leaky.service
        .upload(input({ corpId: C }))
        .then(() => leaky.service.upload(input({ corpId: A })));
      expect(none.reused).toBe(false);
    } finally {
      await leaky.close();
    }
  });

  it('a suite token refused again right after its refresh is reported, not fetched again for every upload', async () => {
    const app = await boot({
      baseUrl: emulator.url,
      suite: suiteCredentials(),
    });
    try {
      emulator.failNext('get_corp_token', 40082, 100);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => app.service.upload(input({ corpId: CORPS[i % 3] }))),
      );
      for (const r of results)
        expect(r).toMatchObject({ status: 'rejected', reason: { errcode: 40082 } });
      expect(emulator.callsOf('get_suite_token').length).toBeLessThanOrEqual(2);
    } finally {
      await app.close();
    }
  });

  it('a corp re-authorised while its refusal cools down: its new code is used on the next upload', async () => {
    let code = codeOf(B);
    const app = await boot({
      baseUrl: emulator.url,
      suite: suiteCredentials({
        permanentCode: (corpId) => (corpId === B ? code : codeOf(corpId)),
      }),
    });
    try {
      emulator.revokeAuthorisation(B);
      await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
        errcode: 40084,
      });
      await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
        errcode: 40084,
        cached: true,
      });
      code = 'a-newer-permanent-code';
      emulator.grantAuthorisation(B, SUITE.suiteId, code);
      await app.service.upload(input({ corpId: B }));
      expect(uploadsByCorp()).toEqual({ [B]: 1 });
      expect(emulator.callsOf('get_corp_token', B).map((r) => r.errcode)).toEqual([40084, 0]);
    } finally {
      await app.close();
    }
  });

  it('a stream for a refused corp is released, as a read one is', async () => {
    const app = await boot({ corpId: A, corpSecret: secretOf(A), baseUrl: emulator.url });
    try {
      for (const corpId of ['not a corp!', B]) {
        const stream = Readable.from([png]);
        await expect(
          app.service.upload(input({ file: stream, filename: 'a.png', corpId })),
        ).rejects.toBeInstanceOf(AttachmentRuleError);
        expect(stream.destroyed).toBe(true);
        const checked = Readable.from([png]);
        await app.service.check(input({ file: checked, filename: 'a.png', corpId }));
        expect(checked.destroyed).toBe(true);
      }
    } finally {
      await app.close();
    }
  });

  it('log lines about a call name its corp', async () => {
    const app = await boot({ baseUrl: emulator.url, secretFor: secretOf });
    try {
      await app.service.upload(input({ corpId: C }));
      emulator.expireTokens(C);
      await app.service.upload(input({ corpId: C }));
      expect(app.logs.text).toContain(`upload_attachment (corp ${C}): errcode 42001`);
    } finally {
      await app.close();
    }
  });
});
