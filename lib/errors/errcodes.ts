/** WeCom errcodes that the client acts on (doc 90313). Branch on these, never on errmsg. */
export const Errcode = {
  SystemBusy: -1,
  InvalidSecret: 40001,
  InvalidCorpId: 40013,
  InvalidAccessToken: 40014,
  AccessTokenMissing: 41001,
  AccessTokenExpired: 42001,
  FrequencyLimit: 45009,
  ConcurrencyLimit: 45033,
  // Third-party apps, from the same page: a bad suite secret, suite token, suite id, permanent
  // code (a wrong one, or the corp cancelled its authorisation) or suite ticket; a missing suite
  // token (缺少suite_access_token参数); an expired suite token.
  InvalidSuiteSecret: 40080,
  InvalidSuiteToken: 40082,
  InvalidSuiteId: 40083,
  InvalidPermanentCode: 40084,
  InvalidSuiteTicket: 40085,
  SuiteTokenMissing: 41022,
  SuiteTokenExpired: 42009,
} as const;

/** The token is bad: drop it, fetch another, retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.AccessTokenExpired,
  Errcode.InvalidAccessToken,
  Errcode.AccessTokenMissing,
]);

/** The suite token is bad: drop it, fetch another, retry once. */
export const SUITE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.SuiteTokenExpired,
  Errcode.InvalidSuiteToken,
  Errcode.SuiteTokenMissing,
]);

/**
 * Credentials WeCom refused: permanent, never retried (retries get the IP banned), remembered for
 * a cool-down. A third-party app's suite secret, id or ticket, and a corp's permanent code, too.
 */
export const CREDENTIAL_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.InvalidSecret,
  Errcode.InvalidCorpId,
  Errcode.InvalidSuiteSecret,
  Errcode.InvalidSuiteId,
  Errcode.InvalidPermanentCode,
  Errcode.InvalidSuiteTicket,
]);

export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.FrequencyLimit,
  Errcode.ConcurrencyLimit,
]);

/** A per-minute frequency limit blocks the caller for the rest of the minute. */
export const RATE_LIMIT_RETRY_AFTER_MS = 60_000;
/** A concurrency limit clears as soon as other calls finish. */
export const CONCURRENCY_RETRY_AFTER_MS = 1_000;
