import type { Violation } from '../rules/violation.interface.js';
import { WecomError } from './wecom.error.js';

/**
 * An attachment breaks the upload rules; nothing was sent to WeCom.
 *
 * @publicApi
 */
export class AttachmentRuleError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'AttachmentRuleError'`. */
  override readonly name = 'AttachmentRuleError';

  constructor(
    /** Every rule broken, each with its limit and the actual value. */
    readonly violations: readonly Violation[],
    message = `attachment breaks the upload rules: ${violations.map((v) => v.message).join('; ')}`,
  ) {
    super(message);
  }
}
