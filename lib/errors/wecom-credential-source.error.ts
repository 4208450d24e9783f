import { WecomError } from './wecom.error.js';

/**
 * One of the app's credential callbacks (`secretFor`, `suite.suiteTicket`,
 * `suite.permanentCode`) threw, returned no credential, or did not answer within `timeoutMs`:
 * nothing was sent to WeCom. Only the corp it was asked for is affected, and the callback is asked
 * again on the next upload. The message never quotes a credential the module knows; the callback's
 * own error is not kept as `cause`, since it may carry one the module has never seen.
 *
 * @publicApi
 */
export class WecomCredentialSourceError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomCredentialSourceError'`. */
  override readonly name = 'WecomCredentialSourceError';

  constructor(
    /** The callback, as the options name it: `secretFor('ww…')`, `suite.suiteTicket()`. */
    readonly source: string,
    /** What went wrong: it threw, gave no non-empty string, or took longer than `timeoutMs`. */
    readonly reason: 'threw' | 'empty' | 'timeout',
    /** For `threw`, its message with every known credential redacted; else a description. */
    detail: string,
  ) {
    super(`the credential callback ${source} ${detail}; nothing was sent to WeCom`);
  }
}
