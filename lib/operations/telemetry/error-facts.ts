import { AttachmentRuleError } from '../../errors/attachment-rule.error.js';
import { WecomCredentialSourceError } from '../../errors/wecom-credential-source.error.js';
import {
  WecomApiError,
  WecomInvalidCredentialsError,
  WecomRateLimitError,
} from '../../errors/wecom-api.error.js';
import { WecomNetworkError } from '../../errors/wecom-transport.error.js';
import { WecomError } from '../../errors/wecom.error.js';

/** How an upload ended, as `wecom.uploads` counts it. */
export type UploadOutcome =
  'ok' | 'reused' | 'rule' | 'wecom_error' | 'network' | 'rate_limited' | 'other';

/** What a span of a WeCom call is told of its error. */
export interface ErrorFacts {
  type: string;
  /** The module's own errors' messages carry no token or secret; anything else goes unquoted. */
  message?: string;
  errcode?: number;
}

/** How a credential callback failed, in the module's words only. */
const CALLBACK_FAILURES: Record<WecomCredentialSourceError['reason'], string> = {
  threw: 'threw',
  empty: 'returned no credential',
  timeout: 'did not answer in time',
};

/** What a span is told of `error`: never a secret, nor a callback's own words. */
export function factsOf(error: unknown): ErrorFacts {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  if (error instanceof WecomCredentialSourceError) {
    // Not its message: the callback's own words may name a credential the module never saw.
    const message = `the credential callback ${error.source} ${CALLBACK_FAILURES[error.reason]}; nothing was sent to WeCom`;
    return { type, message };
  }
  if (!(error instanceof WecomError)) return { type };
  const errcode = answeredErrcode(error);
  return { type, message: error.message, ...(errcode === undefined ? {} : { errcode }) };
}

/**
 * WeCom's errcode, when WeCom answered it for this call: not a 45009 of the module's own, nor a
 * refusal a cool-down remembers (WeCom was not asked).
 */
function answeredErrcode(error: WecomError): number | undefined {
  if (!(error instanceof WecomApiError)) return undefined;
  if (error instanceof WecomRateLimitError && error.local) return undefined;
  if (error instanceof WecomInvalidCredentialsError && error.cached) return undefined;
  return error.errcode;
}

/** `outcome` of `wecom.uploads` (and of `wecom.token.fetches`, with `refused`) for an error. */
export function outcomeOf(error: unknown): UploadOutcome | 'refused' {
  if (error instanceof AttachmentRuleError) return 'rule';
  if (error instanceof WecomRateLimitError) return 'rate_limited';
  if (error instanceof WecomInvalidCredentialsError) return 'refused';
  if (error instanceof WecomApiError) return 'wecom_error';
  if (error instanceof WecomNetworkError) return 'network';
  return 'other';
}
