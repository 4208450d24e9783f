import type { IncomingHttpHeaders } from 'node:http';

// What the emulator tells a test: each request as it saw it on the wire.

/**
 * What the emulator saw of one upload_attachment body, so that tests can check the bytes on the wire.
 *
 * @publicApi
 */
export interface RecordedUpload {
  /** The Content-Disposition of the `media` part, its bytes decoded as UTF-8 (as WeCom reads them). */
  disposition: string;
  /** The part's name. */
  name?: string;
  /** The filename decoded as UTF-8. */
  filename?: string;
  /** The filename's bytes as they arrived. */
  filenameBytes?: Buffer;
  /** `filelength` as sent, if it was. */
  filelength?: number;
  /** The part's Content-Type. */
  contentType?: string;
  /** The bytes of the file. */
  size: number;
  /** The sha256 of the file, hex; empty when `hashUploads` is off. */
  sha256: string;
  /** The file's bytes, when the emulator was started with `keepUploads`. */
  content?: Buffer;
  /** How many parts the body had. */
  partCount: number;
}

/**
 * One request the emulator answered, dropped, or saw the client abandon.
 *
 * @publicApi
 */
export interface RecordedRequest {
  /** The API called, or the path when it is none the emulator knows. */
  api: string;
  /** GET or POST. */
  method: string;
  /** Query parameters, with tokens and secrets masked. */
  query: Record<string, string>;
  /** The access_token used, unmasked, so tests can tell which token a call carried. */
  accessToken?: string;
  /**
   * The corp the call acted for: gettoken's `corpid`, get_corp_token's `auth_corpid`, or the corp
   * of the access_token an upload carried (unset when the token is unknown).
   */
  corpId?: string;
  /** The request's headers as sent. */
  headers: IncomingHttpHeaders;
  /** The errcode answered; undefined after a reset, a raw answer, or a client that left first. */
  errcode?: number;
  /** What the multipart body of an upload_attachment call held. */
  upload?: RecordedUpload;
  /**
   * Set when the emulator's own `limits` refused the call — 45009 over `perMinute` or `perHour`,
   * 45033 over `concurrent` — and unset for an injected 45009 (`failNext`, `setFaults`).
   */
  limitedBy?: 'perMinute' | 'perHour' | 'concurrent';
  /** The media_id issued, on success. */
  mediaId?: string;
  /**
   * The JSON body as parsed (every API but upload_attachment, when the body is JSON), with
   * secrets such as `suite_secret` and `permanent_code` masked.
   */
  json?: unknown;
  /** The JSON answered to a publishing API (moments, product albums), errmsg included. */
  answer?: Readonly<Record<string, unknown>>;
  /**
   * True when the client closed the connection before the emulator answered (nothing was
   * answered then); recorded the moment the close is seen.
   */
  closedByClient?: boolean;
}
