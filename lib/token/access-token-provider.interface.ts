/**
 * Which corp a token is wanted for, and the caller's signal.
 *
 * @publicApi
 */
export interface TokenRequest {
  /** The corp the call acts for: the upload's `corpId`, or the module's default corp. */
  corpId: string;
  /** Aborts when the caller gives up (a client that left, a shutdown). */
  signal?: AbortSignal;
}

/**
 * Supplies the access_token for WeCom calls, per corp. The module's own providers call
 * `gettoken` (option `corpSecret` or `secretFor`) or `service/get_corp_token` (option `suite`);
 * give your own (option `tokenProvider`) to get tokens some other way.
 *
 * @publicApi
 */
export interface AccessTokenProvider {
  /**
   * A token of `request.corpId` believed valid now. Never another corp's: WeCom would act on
   * that corp. Concurrent callers should share one fetch.
   */
  getToken(request: TokenRequest): Promise<string>;
  /**
   * Called when WeCom reported `token` of `request.corpId` expired or invalid (42001, 40014,
   * 41001). Drop it, but only if it is still the current one: another caller may already have
   * stored a fresh token.
   */
  invalidate(token: string, request: { corpId: string }): Promise<void>;
}
