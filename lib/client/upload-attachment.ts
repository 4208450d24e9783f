import type { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { LOGGER_CONTEXT, MEDIA_ID_LIFETIME_MS } from '../wecom-media.constants.js';
import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import { createMultipartBody } from './multipart-body.js';
import type { WecomHttpClient } from './wecom-http.client.js';
import type { RequestTokens } from './wecom-request.js';
import type { WecomResponseBase } from './wecom-http.client.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** upload_attachment (developer.work.weixin.qq.com/document/path/95098). */
const UPLOAD_ATTACHMENT_PATH = '/cgi-bin/media/upload_attachment';

/**
 * How far `created_at` may lie from the answer's arrival and still be taken as true: WeCom stamps
 * the upload it has just stored, so anything further off is no clock's reading (and would keep a
 * dead media_id in the cache, or drop a live one).
 */
const CREATED_AT_BEFORE_S = 24 * 60 * 60;
const CREATED_AT_AFTER_S = 10 * 60;

/** One file as upload_attachment takes it: every fact already checked by the caller. */
export interface AttachmentUpload {
  /** The corp the media_id is for; its token goes with the call. */
  corpId: string;
  tokens: RequestTokens;
  /** `media_type`: image, video or file. */
  mediaType: string;
  /** `attachment_type`: 1 (moments) or 2 (product album). */
  attachmentType: number;
  /** The name users see, neutralised (sanitizeFilename). */
  filename: string;
  /** The part's Content-Type. */
  contentType: string;
  /** The exact byte count (`filelength` and part of Content-Length). */
  size: number;
  /** A fresh copy of the bytes for each attempt: a retry re-reads the file from its start. */
  body: () => Buffer | Readable;
  signal?: AbortSignal;
  /** Told each time the file is sent to WeCom. */
  tally?: { attempts: number };
}

/** What WeCom answered, checked. */
export interface UploadAnswer {
  /** The media type WeCom recorded, as it wrote it. */
  type: string | undefined;
  mediaId: string;
  createdAt: Date;
  /** `createdAt` + 3 days. */
  expiresAt: Date;
}

/** What WeCom answers to upload_attachment. */
interface UploadAttachmentAnswer extends WecomResponseBase {
  type?: string;
  media_id?: string;
  created_at?: number | string;
}

const logger = new WecomLogger(LOGGER_CONTEXT);
/** Clients that have warned about a `created_at` from no clock: once each. */
const warned = new WeakSet<WecomHttpClient>();

/**
 * POSTs one file to upload_attachment as WeCom's doc shows it (one `media` part with the raw
 * UTF-8 filename, `filelength` and Content-Length) and checks the answer.
 * @throws WecomProtocolError for a success answer without media_id; what `client.request` throws.
 */
export async function uploadAttachment(
  client: WecomHttpClient,
  upload: AttachmentUpload,
): Promise<UploadAnswer> {
  const { filename, contentType, size, corpId } = upload;
  const answer = await client.request<UploadAttachmentAnswer>({
    api: UPLOAD_ATTACHMENT_PATH,
    method: 'POST',
    query: { media_type: upload.mediaType, attachment_type: String(upload.attachmentType) },
    tokens: upload.tokens,
    corpId,
    signal: upload.signal,
    tally: upload.tally,
    body: () => createMultipartBody({ filename, contentType, size }, upload.body()),
  });
  const receivedAt = Date.now();
  if (typeof answer.media_id !== 'string' || answer.media_id === '') {
    throw new WecomProtocolError(UPLOAD_ATTACHMENT_PATH, 200, 'a success answer without media_id');
  }
  // Asked first: a line nobody reads is not even built.
  if (Logger.isLevelEnabled('debug'))
    logger.debug(`uploaded ${upload.mediaType} "${filename}" (${size} bytes) for corp ${corpId}`);
  const createdAt = createdAtMs(answer.created_at, receivedAt);
  if (createdAt === undefined && answer.created_at !== undefined && !warned.has(client)) {
    warned.add(client);
    // The value itself is not quoted: it is upstream text, and might echo anything.
    logger.warn(
      `WeCom answered a created_at that is no time near now (a ${typeof answer.created_at}); using the time of the answer (warned once)`,
    );
  }
  const created = new Date(createdAt ?? receivedAt);
  return {
    type: answer.type,
    mediaId: answer.media_id,
    createdAt: created,
    expiresAt: new Date(created.getTime() + MEDIA_ID_LIFETIME_MS),
  };
}

/**
 * `created_at` in milliseconds: a number on one doc page, a quoted string of digits on others.
 * Undefined for a value that is no time near the answer (negative, NaN, 1e13, a year off, hex).
 */
function createdAtMs(raw: unknown, receivedAt: number): number | undefined {
  const seconds =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d+$/.test(raw)
        ? Number(raw)
        : NaN;
  const now = receivedAt / 1000;
  return Number.isInteger(seconds) &&
    seconds >= now - CREATED_AT_BEFORE_S &&
    seconds <= now + CREATED_AT_AFTER_S
    ? seconds * 1000
    : undefined;
}
