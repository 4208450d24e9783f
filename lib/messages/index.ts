import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
import type { Violation } from '../rules/violation.interface.js';
import { EN_MESSAGES } from './en.js';
import type { Locale, Messages } from './messages.js';
import { ZH_CN_MESSAGES } from './zh-cn.js';

export type { ImageFacts, Locale, Messages } from './messages.js';
export { EN_MESSAGES } from './en.js';

/** Every locale the module speaks. */
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

/** The messages of `locale`. */
export function messagesFor(locale: Locale): Messages {
  return locale === 'zh-CN' ? ZH_CN_MESSAGES : EN_MESSAGES;
}

/** The error of `violations`, summed up in the locale of `messages`. */
export const ruleError = (violations: Violation[], messages: Messages): AttachmentRuleError =>
  new AttachmentRuleError(violations, messages.ruleError(violations.map((v) => v.message)));
