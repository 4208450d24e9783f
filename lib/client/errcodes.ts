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
} as const;

/** The token is bad: drop it, fetch another, retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.AccessTokenExpired,
  Errcode.InvalidAccessToken,
  Errcode.AccessTokenMissing,
]);

/** Wrong corpid or secret: permanent, and never retried (retries get the IP banned). */
export const CREDENTIAL_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.InvalidSecret,
  Errcode.InvalidCorpId,
]);

export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.FrequencyLimit,
  Errcode.ConcurrencyLimit,
]);

/** A per-minute frequency limit blocks the caller for the rest of the minute. */
export const RATE_LIMIT_RETRY_AFTER_MS = 60_000;
/** A concurrency limit clears as soon as other calls finish. */
export const CONCURRENCY_RETRY_AFTER_MS = 1_000;
