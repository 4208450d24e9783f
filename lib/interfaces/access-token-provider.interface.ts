/**
 * Supplies the access_token for WeCom calls. The default provider calls `gettoken`; replace it
 * (option `tokenProvider`) for third-party apps that get their token from `get_corp_token`.
 *
 * @publicApi
 */
export interface AccessTokenProvider {
  /** A token believed valid now. Concurrent callers should share one fetch. */
  getToken(signal?: AbortSignal): Promise<string>;
  /**
   * Called when WeCom reported `token` expired or invalid (42001, 40014, 41001). Drop it, but only
   * if it is still the current one: another caller may already have stored a fresh token.
   */
  invalidate(token: string): Promise<void>;
}
