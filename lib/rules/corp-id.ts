import { EN_MESSAGES, type Messages } from '../messages/index.js';
import type { Violation } from './violation.interface.js';

/** Whether `value` is a corp id the module can use: a non-empty string of letters, digits, _ or -. */
export const isCorpId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value);

/** What the module serves: its default corp, and whether it serves that corp alone. */
export interface ServedCorps {
  /** The corp of calls that name none; undefined when every call must name one. */
  defaultCorpId: string | undefined;
  /** True when the module holds one corp's secret, and no other corp can be served. */
  onlyDefault: boolean;
}

/**
 * The `corp-id` rule: why a call for `given` (or, without it, the default corp) cannot be made —
 * no corp at all, a malformed id, or a corp the module has no credentials for.
 */
export function checkCorpId(
  given: unknown,
  served: ServedCorps,
  messages: Messages = EN_MESSAGES,
): Violation | undefined {
  const { defaultCorpId, onlyDefault } = served;
  if (given === undefined) {
    return defaultCorpId === undefined
      ? { rule: 'corp-id', message: messages.corpMissing() }
      : undefined;
  }
  if (!isCorpId(given)) {
    return { rule: 'corp-id', message: messages.corpInvalid(), actual: String(given).slice(0, 80) };
  }
  if (onlyDefault && given !== defaultCorpId) {
    return {
      rule: 'corp-id',
      message: messages.corpNotServed(defaultCorpId ?? '', given),
      actual: given,
    };
  }
  return undefined;
}
