import { WecomProtocolError } from '../errors/wecom-transport.error.js';

/** The fields every WeCom answer may carry. A missing errcode means success. */
export interface WecomResponseBase {
  errcode?: number;
  errmsg?: string;
}

/** Parses a WeCom answer body, or explains why it is not one. */
export function parseWecomResponse<T extends WecomResponseBase>(
  api: string,
  status: number,
  body: string,
): T {
  if (status !== 200) {
    const kind = /^\s*</.test(body)
      ? 'an HTML page'
      : body.trim() === ''
        ? 'an empty body'
        : 'a non-JSON body';
    throw new WecomProtocolError(api, status, kind);
  }
  if (body.trim() === '') throw new WecomProtocolError(api, status, 'an empty body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WecomProtocolError(api, status, /^\s*</.test(body) ? 'an HTML page' : 'invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WecomProtocolError(api, status, 'JSON that is not an object');
  }
  const errcode = (parsed as WecomResponseBase).errcode;
  if (errcode !== undefined && typeof errcode !== 'number') {
    const asNumber = Number(errcode);
    if (!Number.isInteger(asNumber))
      throw new WecomProtocolError(api, status, 'a non-numeric errcode');
    (parsed as WecomResponseBase).errcode = asNumber;
  }
  return parsed as T;
}
