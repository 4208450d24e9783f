import { ERRMSG } from './wecom-tables.js';

/** A WeCom JSON answer before its errmsg is filled in: errcode first, then the API's fields. */
export interface WecomAnswer {
  errcode: number;
  [field: string]: unknown;
}

/**
 * The body WeCom sends for `answer`: errcode, errmsg (the answer's own, else the errcode's), then
 * the answer's other fields.
 */
export function wecomBody(answer: WecomAnswer): Record<string, unknown> {
  const { errcode, errmsg = ERRMSG[errcode] ?? 'error', ...fields } = answer;
  return { errcode, errmsg, ...fields };
}

/** {@link wecomBody} as JSON text. */
export function wecomJson(answer: WecomAnswer): string {
  return JSON.stringify(wecomBody(answer));
}
