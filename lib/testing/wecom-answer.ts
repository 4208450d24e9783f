import { ERRMSG } from './wecom-tables.js';

/** A WeCom JSON answer before its errmsg is filled in: errcode first, then the API's fields. */
export interface WecomAnswer {
  errcode: number;
  [field: string]: unknown;
}

/** The body WeCom sends for `answer`: errmsg from the errcode, then the answer's own fields. */
export function wecomJson(answer: WecomAnswer): string {
  return JSON.stringify({ errmsg: ERRMSG[answer.errcode] ?? 'error', ...answer });
}
