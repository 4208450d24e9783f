import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { fetchToken, postUpload } from '../helpers/wecom-calls.mjs';

const A = { corpId: 'wwemucorpa0000001', corpSecret: 'secret-a' };
const B = { corpId: 'wwemucorpb0000002', corpSecret: 'secret-b' };
const SUITE = {
  suiteId: 'wwemusuite000001',
  suiteSecret: 'suite-secret',
  suiteTicket: 'ticket-1',
  permanentCodes: { [A.corpId]: 'code-a', [B.corpId]: 'code-b' },
};

/** POSTs `body` as JSON to `path` (with `query`) and returns WeCom's answer. */
async function postJson(
  url: string,
  path: string,
  body: unknown,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('WecomEmulator with many corps and a third-party app', () => {
  const s = emulatorSuite({ app: false, emulator: { apps: [A, B], suites: [SUITE] } });
  const url = () => s.emulator.url;
  const suiteToken = async (over: Record<string, string> = {}) =>
    postJson(url(), '/cgi-bin/service/get_suite_token', {
      suite_id: SUITE.suiteId,
      suite_secret: SUITE.suiteSecret,
      suite_ticket: SUITE.suiteTicket,
      ...over,
    });
  const corpToken = async (token: string, corp: string, code: string) =>
    postJson(
      url(),
      '/cgi-bin/service/get_corp_token',
      { auth_corpid: corp, permanent_code: code },
      { suite_access_token: token },
    );

  it('binds each token to its corp: an upload is recorded under the corp whose token it carried', async () => {
    const a = await fetchToken({ url: url(), ...A });
    const b = await fetchToken({ url: url(), ...B });
    expect((await postUpload(s.emulator, b, makePng(8, 8))).errcode).toBe(0);
    expect((await postUpload(s.emulator, a, makePng(8, 8))).errcode).toBe(0);
    expect(s.emulator.uploads.map((u) => u.corpId)).toEqual([B.corpId, A.corpId]);
    // Corp A's id with corp B's secret is refused.
    await expect(
      fetchToken({ url: url(), corpId: A.corpId, corpSecret: B.corpSecret }),
    ).rejects.toThrow('"errcode":40001');
  });

  it('expires and fails the calls of one corp only', async () => {
    const a = await fetchToken({ url: url(), ...A });
    const b = await fetchToken({ url: url(), ...B });
    s.emulator.expireTokens(A.corpId);
    expect((await postUpload(s.emulator, a, makePng(8, 8))).errcode).toBe(42001);
    expect((await postUpload(s.emulator, b, makePng(8, 8))).errcode).toBe(0);

    s.emulator.failNext('upload_attachment', 45033, 1, B.corpId);
    const a2 = await fetchToken({ url: url(), ...A });
    expect((await postUpload(s.emulator, a2, makePng(8, 8))).errcode).toBe(0);
    expect((await postUpload(s.emulator, b, makePng(8, 8))).errcode).toBe(45033);
    expect((await postUpload(s.emulator, b, makePng(8, 8))).errcode).toBe(0);

    s.emulator.failNext('gettoken', 40001, 1, B.corpId);
    await expect(fetchToken({ url: url(), ...B })).rejects.toThrow('40001');
    await expect(fetchToken({ url: url(), ...A })).resolves.toEqual(expect.any(String));
    expect(s.emulator.callsOf('gettoken', B.corpId).map((r) => r.errcode)).toEqual([0, 40001]);
  });

  it('get_suite_token: the suite id, secret and ticket are each checked', async () => {
    expect(await suiteToken({ suite_id: 'wwnosuch' })).toMatchObject({ errcode: 40083 });
    expect(await suiteToken({ suite_secret: 'wrong' })).toMatchObject({ errcode: 40080 });
    expect(await suiteToken({ suite_ticket: 'stale' })).toMatchObject({ errcode: 40085 });
    expect(await postJson(url(), '/cgi-bin/service/get_suite_token', 'not json')).toMatchObject({
      errcode: 47001,
    });
    const ok = await suiteToken();
    expect(ok).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(ok.suite_access_token).toEqual(expect.any(String));
    // A new ticket replaces the old one.
    s.emulator.setSuiteTicket(SUITE.suiteId, 'ticket-2');
    expect(await suiteToken()).toMatchObject({ errcode: 40085 });
    expect(await suiteToken({ suite_ticket: 'ticket-2' })).toMatchObject({ errcode: 0 });
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(7);
  });

  it('get_corp_token: a live suite token and the corp’s own permanent code, else the doc’s errcode', async () => {
    const token = (await suiteToken()).suite_access_token as string;
    expect(await corpToken('', A.corpId, 'code-a')).toMatchObject({ errcode: 41022 });
    expect(await corpToken('forged', A.corpId, 'code-a')).toMatchObject({ errcode: 40082 });
    expect(await corpToken(token, A.corpId, 'code-b')).toMatchObject({ errcode: 40084 });
    const a = await corpToken(token, A.corpId, 'code-a');
    expect(a).toMatchObject({ errcode: 0, expires_in: 7200 });
    // The corp token is an access token of corp A: it uploads, recorded under A.
    expect((await postUpload(s.emulator, a.access_token as string, makePng(8, 8))).errcode).toBe(0);
    expect(s.emulator.uploads[0]?.corpId).toBe(A.corpId);
    // A suite token is no access token.
    expect((await postUpload(s.emulator, token, makePng(8, 8))).errcode).toBe(40014);

    s.emulator.expireSuiteTokens();
    expect(await corpToken(token, B.corpId, 'code-b')).toMatchObject({ errcode: 42009 });

    const fresh = (await suiteToken()).suite_access_token as string;
    s.emulator.revokeAuthorisation(B.corpId);
    expect(await corpToken(fresh, B.corpId, 'code-b')).toMatchObject({ errcode: 40084 });
    s.emulator.grantAuthorisation(B.corpId, SUITE.suiteId, 'code-b2');
    expect(await corpToken(fresh, B.corpId, 'code-b2')).toMatchObject({ errcode: 0 });

    // Recorded under the corp asked for, with the suite token masked.
    const calls = s.emulator.callsOf('get_corp_token', B.corpId);
    expect(calls.map((r) => r.errcode)).toEqual([42009, 40084, 0]);
    expect(calls[0]?.query).toEqual({ suite_access_token: '***' });
  });

  it('failNext for one corp hits only its get_corp_token; reset() restores tickets and authorisations', async () => {
    const token = (await suiteToken()).suite_access_token as string;
    s.emulator.failNext('get_corp_token', -1, 1, B.corpId);
    expect(await corpToken(token, A.corpId, 'code-a')).toMatchObject({ errcode: 0 });
    expect(await corpToken(token, B.corpId, 'code-b')).toMatchObject({ errcode: -1 });
    expect(await corpToken(token, B.corpId, 'code-b')).toMatchObject({ errcode: 0 });

    s.emulator.setSuiteTicket(SUITE.suiteId, 'ticket-9').revokeAuthorisation(A.corpId);
    s.emulator.reset();
    const again = (await suiteToken()).suite_access_token as string;
    expect(await corpToken(again, A.corpId, 'code-a')).toMatchObject({ errcode: 0 });
    expect(s.emulator.callsOf('get_corp_token')).toHaveLength(1);
  });
});
