import type { AccessTokens } from './access-tokens.js';
import type { WecomAnswer } from './wecom-answer.js';
import type { EmulatorApp } from './wecom-emulator-options.interface.js';

/**
 * gettoken (https://developer.work.weixin.qq.com/document/path/91039): 40013 for a corp id no app
 * has, 40001 for a wrong secret (WeCom's "invalid credential"), else a fresh token for that corp.
 * 代开发 apps call it too, with the authorised corp's id and that app's secret (doc 97164).
 */
export function gettoken(
  query: Record<string, string>,
  apps: readonly EmulatorApp[],
  tokens: AccessTokens,
  ttlSeconds: number,
): WecomAnswer {
  const corpApps = apps.filter((a) => a.corpId === query.corpid);
  if (corpApps.length === 0) return { errcode: 40013 };
  if (!corpApps.some((a) => a.corpSecret === query.corpsecret)) return { errcode: 40001 };
  const corpId = query.corpid ?? '';
  return { errcode: 0, access_token: tokens.issue(ttlSeconds, corpId), expires_in: ttlSeconds };
}
