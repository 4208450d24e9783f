import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  AttachmentRuleError,
  WecomCredentialSourceError,
  type AccessTokenProvider,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import {
  A,
  B,
  C,
  codeOf,
  CORPS,
  input,
  png,
  secretOf,
  SUITE,
  suiteCredentials,
  THREE_CORPS,
  uploadsByCorp,
} from './three-corps.js';

describe('a token provider of your own', () => {
  const s = emulatorSuite({ app: false, emulator: THREE_CORPS });

  it('is asked for each corp’s token, and told which corp’s token WeCom called expired', async () => {
    const asked: string[] = [];
    const invalidated: Array<[string, string]> = [];
    const issued = new Map<string, string>();
    const provider: AccessTokenProvider = {
      getToken: async ({ corpId }) => {
        asked.push(corpId);
        if (!issued.has(corpId)) {
          const answer = await fetch(
            `${s.emulator.url}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=${secretOf(corpId)}`,
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
    const app = await bootApp(s.emulator, { corpId: A, tokenProvider: provider });
    try {
      await app.service.upload(input({ corpId: C }));
      s.emulator.expireTokens(C);
      await app.service.upload(input({ corpId: C }));
      await app.service.upload(input());
      expect(asked).toEqual([C, C, C, A]);
      expect(invalidated).toEqual([[C, 'current']]);
      expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 1, [C]: 2 });
    } finally {
      await app.close();
    }
  });
});

describe('credential callbacks that misbehave', () => {
  const s = emulatorSuite({ app: false, emulator: THREE_CORPS });

  it('a secretFor that never answers: the upload’s signal still ends it, and so does timeoutMs; close() is not held up', async () => {
    let calls = 0;
    const hung = await bootApp(s.emulator, {
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
      expect(s.emulator.callsOf('gettoken', A)).toHaveLength(0);
    } finally {
      await hung.close();
    }
  });

  it('a callback’s own error is wrapped and redacted, never passed on as it is', async () => {
    const leaky = await bootApp(s.emulator, {
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
    const app = await bootApp(s.emulator, {
      suite: suiteCredentials(),
    });
    try {
      s.emulator.failNext('get_corp_token', 40082, 100);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => app.service.upload(input({ corpId: CORPS[i % 3] }))),
      );
      for (const r of results)
        expect(r).toMatchObject({ status: 'rejected', reason: { errcode: 40082 } });
      expect(s.emulator.callsOf('get_suite_token').length).toBeLessThanOrEqual(2);
    } finally {
      await app.close();
    }
  });

  it('a corp re-authorised while its refusal cools down: its new code is used on the next upload', async () => {
    let code = codeOf(B);
    const app = await bootApp(s.emulator, {
      suite: suiteCredentials({
        permanentCode: (corpId) => (corpId === B ? code : codeOf(corpId)),
      }),
    });
    try {
      s.emulator.revokeAuthorisation(B);
      await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
        errcode: 40084,
      });
      await expect(app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
        errcode: 40084,
        cached: true,
      });
      code = 'a-newer-permanent-code';
      s.emulator.grantAuthorisation(B, SUITE.suiteId, code);
      await app.service.upload(input({ corpId: B }));
      expect(uploadsByCorp(s.emulator)).toEqual({ [B]: 1 });
      expect(s.emulator.callsOf('get_corp_token', B).map((r) => r.errcode)).toEqual([40084, 0]);
    } finally {
      await app.close();
    }
  });

  it('a stream for a refused corp is released, as a read one is', async () => {
    const app = await bootApp(s.emulator, { corpId: A, corpSecret: secretOf(A) });
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
    const app = await bootApp(s.emulator, { secretFor: secretOf });
    try {
      await app.service.upload(input({ corpId: C }));
      s.emulator.expireTokens(C);
      await app.service.upload(input({ corpId: C }));
      expect(app.logs.text).toContain(`upload_attachment (corp ${C}): errcode 42001`);
    } finally {
      await app.close();
    }
  });
});
