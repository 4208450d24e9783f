/**
 * A third-party (第三方) app's credentials, for option `suite`: the module gets the
 * suite_access_token (`service/get_suite_token`, shared by every corp) and then each authorised
 * corp's token (`service/get_corp_token`), and caches both in its store.
 *
 * @publicApi
 */
export interface SuiteCredentials {
  /** The app's suite_id, `ww…` or `tj…`. */
  suiteId: string;
  /** The app's suite_secret. Never logged, never quoted. */
  suiteSecret: string;
  /**
   * The latest suite_ticket: WeCom pushes one to the provider's callback URL every 10 minutes,
   * and the app stores it (in the module's shared store, say). Read whenever this process has no
   * usable suite token — and, while a refused ticket cools down, to see whether a new one came.
   * Bounded by the module's `timeoutMs`; keep it cheap.
   */
  suiteTicket: () => string | Promise<string>;
  /**
   * The permanent_code the corp `corpId` gave when it authorised the app (from the app's
   * database). Called once per corp and process, and again on each upload for the corp after
   * WeCom refused its code (so that the code of a corp that authorised the app again is used at
   * once). Bounded by the module's `timeoutMs`.
   */
  permanentCode: (corpId: string) => string | Promise<string>;
}
