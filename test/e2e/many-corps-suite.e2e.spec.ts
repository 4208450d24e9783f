import { beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  WecomInvalidCredentialsError,
  type SuiteCredentials,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import {
  A,
  B,
  C,
  codeOf,
  CORPS,
  input,
  SUITE,
  suiteCredentials,
  THREE_CORPS,
  uploadsByCorp,
} from './three-corps.js';

describe('a third-party app: suite', () => {
  let ticket: string;
  let codes: Record<string, string>;
  const suite = (): SuiteCredentials =>
    suiteCredentials({
      suiteTicket: () => ticket,
      permanentCode: (corpId) => codes[corpId] ?? 'unknown-code',
    });
  // Before each test, the emulator's ticket and authorisations are as its options gave them, and
  // so are the app's.
  const s = emulatorSuite({ emulator: THREE_CORPS, app: () => ({ suite: suite() }) });
  beforeEach(() => {
    ticket = SUITE.suiteTicket;
    codes = { ...SUITE.permanentCodes };
  });

  it('a cold burst over three corps: one get_suite_token, one get_corp_token per corp', async () => {
    await Promise.all(
      CORPS.flatMap((corpId) =>
        Array.from({ length: 20 }, () => s.app.service.upload(input({ corpId }))),
      ),
    );
    expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 20, [B]: 20, [C]: 20 });
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(1);
    for (const corpId of CORPS)
      expect(s.emulator.callsOf('get_corp_token', corpId)).toHaveLength(1);
    expect(s.emulator.callsOf('gettoken')).toHaveLength(0);
    // The suite secret and the codes travel in the JSON body, never in a URL.
    for (const r of s.emulator.requests) {
      expect(JSON.stringify(r.query)).not.toMatch(/suite-secret|permanent-code/);
    }
  });

  it('with no default corp, an upload that names none is a corp-id violation', async () => {
    const error = await s.app.service.upload(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations[0]).toMatchObject({ rule: 'corp-id' });
    expect(String(error)).toContain('give corpId');
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('an expired suite token is fetched again once, only when a corp token is needed', async () => {
    await Promise.all(CORPS.map((corpId) => s.app.service.upload(input({ corpId }))));
    s.emulator.expireSuiteTokens();
    s.emulator.expireTokens(A);
    await Promise.all(
      CORPS.flatMap((corpId) => [1, 2].map(() => s.app.service.upload(input({ corpId })))),
    );
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(2);
    // A's get_corp_token met 42009 once, then went through with the new suite token.
    expect(s.emulator.callsOf('get_corp_token', A).map((r) => r.errcode)).toEqual([0, 42009, 0]);
    expect(s.emulator.callsOf('get_corp_token', B)).toHaveLength(1);
    expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 3, [B]: 3, [C]: 3 });
  });

  it('a revoked authorisation: that corp fails typed and fast, once; the others keep uploading', async () => {
    await Promise.all(CORPS.map((corpId) => s.app.service.upload(input({ corpId }))));
    s.emulator.revokeAuthorisation(B);
    s.emulator.expireTokens(); // every corp needs a new token now
    const burst = () => [1, 2, 3, 4].map(() => s.app.service.upload(input({ corpId: B })));
    const failed = (await Promise.allSettled(burst())).map((r) =>
      r.status === 'rejected' ? (r.reason as unknown) : r.value,
    );
    for (const reason of failed) {
      expect(reason).toBeInstanceOf(WecomInvalidCredentialsError);
      expect(reason).toMatchObject({ errcode: 40084, api: '/cgi-bin/service/get_corp_token' });
    }
    expect(String(failed[0])).toContain('authoris');
    const refusedCalls = () => s.emulator.callsOf('get_corp_token', B).filter((r) => r.errcode);
    expect(refusedCalls()).toHaveLength(1);
    // B's refusal holds up nobody else: A and C fetch their new tokens while B cools down.
    await Promise.all(
      [A, C].flatMap((corpId) => [1, 2, 3, 4].map(() => s.app.service.upload(input({ corpId })))),
    );
    // No loop: the next upload for B is answered from the cool-down.
    await expect(s.app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
      cached: true,
      errcode: 40084,
    });
    expect(refusedCalls()).toHaveLength(1);
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(1); // the suite was not blamed
    expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 5, [B]: 1, [C]: 5 });
    expect(s.app.logs.text).not.toContain(codeOf(B));
  });

  it('a re-authorised corp’s new permanent code is used at once, despite the cool-down', async () => {
    s.emulator.revokeAuthorisation(B);
    await expect(s.app.service.upload(input({ corpId: B }))).rejects.toMatchObject({
      errcode: 40084,
    });
    codes[B] = 'a-new-permanent-code';
    s.emulator.grantAuthorisation(B, SUITE.suiteId, 'a-new-permanent-code');
    await s.app.service.upload(input({ corpId: B }));
    expect(uploadsByCorp(s.emulator)).toEqual({ [B]: 1 });
  });

  it('a stale suite ticket is a typed error for the suite, remembered; the next ticket is tried at once', async () => {
    s.emulator.setSuiteTicket(SUITE.suiteId, 'ticket-0002');
    const error = await s.app.service.upload(input({ corpId: A })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    expect(error).toMatchObject({ errcode: 40085, api: '/cgi-bin/service/get_suite_token' });
    await expect(s.app.service.upload(input({ corpId: C }))).rejects.toMatchObject({
      cached: true,
      errcode: 40085,
    });
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(1);
    ticket = 'ticket-0002'; // WeCom pushed it; the app stored it
    await s.app.service.upload(input({ corpId: C }));
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(2);
    expect(s.app.logs.text).not.toContain('ticket-0001');
  });

  it('verifyCredentials without a default corp checks the suite at boot', async () => {
    ticket = 'not-the-ticket';
    await expect(
      bootApp(s.emulator, { suite: suite(), verifyCredentials: true }),
    ).rejects.toMatchObject({ errcode: 40085 });
  });
});
