import type { IncomingMessage } from 'node:http';
import type { RecordedRequest } from './recorded-request.interface.js';

/** The emulator's events: `arrival` as a request comes in, `request` once it is recorded. */
export interface RequestEvents {
  emit(event: 'arrival', api: string): boolean;
  emit(event: 'request', record: RecordedRequest): boolean;
  on(event: 'request', listener: (record: RecordedRequest) => void): unknown;
  off(event: 'request', listener: (record: RecordedRequest) => void): unknown;
}

/**
 * Query parameters and JSON body fields never recorded in clear: a test's log must not teach
 * anyone to leak them.
 */
const SECRET_KEYS = new Set([
  'access_token',
  'corpsecret',
  'suite_access_token',
  'permanent_code',
  'suite_secret',
  'suite_ticket',
]);

/** The emulator's memory: every request in order, announced as it is recorded, and `waitFor`. */
export class RequestRecorder {
  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly events: RequestEvents) {}

  /**
   * Announces a request as it comes in, before its body, and starts its record with the query's
   * secrets masked; the record is stored once {@link record} is called.
   */
  open(api: string, req: IncomingMessage, query: Record<string, string>): RecordedRequest {
    this.events.emit('arrival', api);
    return {
      api,
      method: req.method ?? 'GET',
      query: maskQuery(query),
      accessToken: query.access_token,
      headers: req.headers,
    };
  }

  /** Stores `record` and announces it. */
  record(record: RecordedRequest): void {
    this.requests.push(record);
    this.events.emit('request', record);
  }

  /** Resolves once a request matching `predicate` has been recorded (counting earlier ones). */
  waitFor(predicate: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (r: RecordedRequest): void => {
        if (!predicate(r)) return;
        this.events.off('request', listener);
        resolve(r);
      };
      this.events.on('request', listener);
    });
  }
}

function maskQuery(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v]),
  );
}

/** A JSON body as recorded: parsed, its top-level secrets masked; undefined when it is not JSON. */
export function recordedJson(body: Buffer): unknown {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v]),
  );
}
