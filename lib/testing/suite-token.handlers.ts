import { SUITE_TOKEN_CODES, type AccessTokens } from './access-tokens.js';
import { jsonOf } from './json-body.js';
import type { WecomAnswer } from './wecom-answer.js';
import type { EmulatorSuite } from './wecom-emulator-options.interface.js';

// Third-party (第三方) apps. The errcodes are those of the global error-code page,
// https://developer.work.weixin.qq.com/document/path/90313: 40080 invalid suite_secret, 40082
// invalid suite_token, 40083 invalid suite_id, 40084 invalid permanent_code (a wrong code, or
// the corp cancelled its authorisation), 40085 invalid suite_ticket, 42009 suite_access_token
// expired.

/**
 * service/get_suite_token (https://developer.work.weixin.qq.com/document/path/90600):
 * `{ suite_id, suite_secret, suite_ticket }` in a JSON body → a suite_access_token.
 */
export function getSuiteToken(
  body: Buffer,
  suites: readonly EmulatorSuite[],
  tokens: AccessTokens,
  ttlSeconds: number,
): WecomAnswer {
  const json = jsonOf(body);
  if (!json) return { errcode: 47001 }; // data format error
  const suite = suites.find((s) => s.suiteId === json.suite_id);
  if (!suite) return { errcode: 40083 };
  if (suite.suiteSecret !== json.suite_secret) return { errcode: 40080 };
  if (suite.suiteTicket !== json.suite_ticket) return { errcode: 40085 };
  return {
    errcode: 0,
    suite_access_token: tokens.issue(ttlSeconds, suite.suiteId),
    expires_in: ttlSeconds,
  };
}

/**
 * service/get_corp_token (https://developer.work.weixin.qq.com/document/path/90605):
 * `?suite_access_token=…` and `{ auth_corpid, permanent_code }` → the corp's access_token.
 */
export function getCorpToken(
  query: Record<string, string>,
  body: Buffer,
  suites: readonly EmulatorSuite[],
  suiteTokens: AccessTokens,
  tokens: AccessTokens,
  ttlSeconds: number,
): WecomAnswer {
  const suiteToken = query.suite_access_token;
  const refusal = suiteTokens.refusal(suiteToken, SUITE_TOKEN_CODES);
  if (refusal !== undefined) return { errcode: refusal };
  const suite = suites.find((s) => s.suiteId === suiteTokens.ownerOf(suiteToken));
  const json = jsonOf(body);
  if (!suite || !json) return { errcode: 47001 };
  const corpId = String(json.auth_corpid ?? '');
  const code = suite.permanentCodes[corpId];
  if (code === undefined || code !== json.permanent_code) return { errcode: 40084 };
  return { errcode: 0, access_token: tokens.issue(ttlSeconds, corpId), expires_in: ttlSeconds };
}

/** The corp a get_corp_token body asks for, to record it and to match per-corp faults. */
export function corpOfBody(body: Buffer): string | undefined {
  const corp = jsonOf(body)?.auth_corpid;
  return typeof corp === 'string' ? corp : undefined;
}
