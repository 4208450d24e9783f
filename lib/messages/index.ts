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
