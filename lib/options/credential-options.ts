import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import { isCorpId } from '../rules/attachment-rules.js';
import {
  check,
  describeKind,
  fn,
  isObject,
  required,
  secret,
  shape,
  whenGiven,
} from './option-checks.js';

/** The options that say where tokens come from: exactly one way is given, besides `corpId`. */
export const CREDENTIAL_OPTIONS = {
  /**
   * The corp's id (`ww…`). With `corpSecret` or `tokenProvider` it is the one corp; with
   * `secretFor` or `suite` the default corp of uploads that name none.
   */
  corpId: check<string>('the corp id', () => undefined),
  /** The app's secret (代开发 apps: the permanent_code). Never logged, never quoted. */
  corpSecret: secret('a non-empty string (the app secret)'),
  /** Supplies access tokens per corp, instead of the module's own gettoken. */
  tokenProvider: check<AccessTokenProvider>('an object with getToken() and invalidate()', (v) =>
    isObject(v) && typeof v.getToken === 'function' && typeof v.invalidate === 'function'
      ? undefined
      : 'tokenProvider must have getToken() and invalidate()',
  ),
  /**
   * 代开发 apps and several self-built apps: the secret of the app in `corpId`, from a database
   * or a vault. Called once per corp and process, and again on each upload for the corp after
   * WeCom refused it. Bounded by `timeoutMs`.
   */
  secretFor: fn<(corpId: string) => string | Promise<string>>(
    "(corpId) => the secret of that corp's app",
  ),
  /** Third-party (第三方) apps: the suite's id, secret, latest ticket, and each corp's permanent code. */
  suite: whenGiven(
    shape({
      /** The app's suite_id, `ww…` or `tj…`. */
      suiteId: required(
        check<string>('a non-empty string', (v, at) =>
          typeof v === 'string' && v.trim() !== ''
            ? undefined
            : `${at} must be a non-empty string; got ${JSON.stringify(v)}`,
        ),
      ),
      /** The app's suite_secret. Never logged, never quoted. */
      suiteSecret: required(
        check<string>('a non-empty string', (v, at) =>
          typeof v === 'string' && v.trim() !== ''
            ? undefined
            : `${at} must be a non-empty string; got ${describeKind(v)}`,
        ),
      ),
      /**
       * The latest suite_ticket, which WeCom pushes to the app's callback URL every 10 minutes
       * and the app stores. Read when this process has no usable suite token. Keep it cheap.
       */
      suiteTicket: required(fn<() => string | Promise<string>>('() => the latest suite_ticket')),
      /**
       * The permanent_code corp `corpId` gave when it authorised the app. Called once per corp
       * and process, and again after WeCom refused it.
       */
      permanentCode: required(
        fn<(corpId: string) => string | Promise<string>>("(corpId) => that corp's permanent_code"),
      ),
    }),
  ),
};

/** The ways to get tokens: exactly one is given. */
const CREDENTIAL_KINDS = ['corpSecret', 'tokenProvider', 'secretFor', 'suite'] as const;

/** The rules between the credential options: one way, and a corp id where one is needed. */
export function credentialProblems(o: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const given = CREDENTIAL_KINDS.filter((k) => o[k] !== undefined);
  if (given.length > 1) {
    problems.push(
      `give one of ${CREDENTIAL_KINDS.join(', ').replace(/, (?=\w+$)/, ' and ')}; got ${given.join(', ')}`,
    );
  }
  if (given.length === 0) {
    problems.push(
      'give corpSecret (one corp, its app secret), secretFor (a secret per corp: 代开发 or several apps), suite (a third-party app) or tokenProvider',
    );
  }
  // One secret or a custom provider serve one default corp; secretFor and suite serve any corp.
  const needsCorp = o.corpSecret !== undefined || o.tokenProvider !== undefined;
  if ((o.corpId !== undefined || needsCorp) && !isCorpId(o.corpId)) {
    problems.push(
      `corpId must be the corp id ("ww…": letters, digits, _ or -, at most 64)${needsCorp ? '' : ', or left out'}; got ${JSON.stringify(o.corpId) ?? 'undefined'}`,
    );
  }
  return problems;
}
