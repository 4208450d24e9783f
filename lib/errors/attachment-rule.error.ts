import type { Violation } from '../interfaces/violation.interface.js';
import { WecomError } from './wecom.error.js';

/** An attachment breaks the upload rules; nothing was sent to WeCom. */
export class AttachmentRuleError extends WecomError {
  override readonly name = 'AttachmentRuleError';

  constructor(readonly violations: readonly Violation[]) {
    super(`attachment breaks the upload rules: ${violations.map((v) => v.message).join('; ')}`);
  }
}
