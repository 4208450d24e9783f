import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokens } from './access-tokens.js';
import { imageFacts } from './image-facts.js';
import { boundaryOf, parseMultipart, type ParsedPart } from './multipart-parser.js';
import type { RecordedUpload } from './recorded-request.interface.js';
import type { WecomAnswer } from './wecom-answer.js';
import type { WecomEmulatorOptions } from './wecom-emulator-options.interface.js';
import {
  DEFAULT_ACCEPTS,
  DEFAULT_MAX_BYTES,
  FILE_MUST_EXCEED_BYTES,
  MOMENT_IMAGE_EDGES,
  SIZE_ERRCODE,
} from './wecom-tables.js';

/** An upload_attachment request with its body read. */
export interface UploadCall {
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  body: Buffer;
}

/** The answer to an upload, and what was seen of its `media` part once the body parsed. */
export interface UploadOutcome {
  answer: WecomAnswer;
  upload?: RecordedUpload;
}

type UploadOptions = Pick<
  WecomEmulatorOptions,
  'accepts' | 'maxBytes' | 'createdAtAsString' | 'hashUploads' | 'keepUploads' | 'checkImages'
>;

/**
 * upload_attachment (https://developer.work.weixin.qq.com/document/path/95098): the token, the
 * query's media_type and attachment_type, the multipart body read strictly, then the size rules.
 */
export function uploadAttachment(
  call: UploadCall,
  tokens: AccessTokens,
  options: UploadOptions,
): UploadOutcome {
  const refusal = tokens.refusal(call.query.access_token);
  if (refusal !== undefined) return { answer: { errcode: refusal } };
  const mediaType = call.query.media_type;
  if (mediaType !== 'image' && mediaType !== 'video' && mediaType !== 'file')
    return { answer: { errcode: 40004 } };
  const attachmentType = call.query.attachment_type;
  if (attachmentType !== '1' && attachmentType !== '2') return { answer: { errcode: 40005 } };
  const allowed = options.accepts?.[attachmentType] ?? DEFAULT_ACCEPTS[attachmentType];
  if (!allowed.includes(mediaType)) return { answer: { errcode: 41072 } };

  const parts = mediaPartOf(call.headers, call.body);
  if (!parts) return { answer: { errcode: 44001 } };
  const { media } = parts;
  const upload = uploadRecord(media, parts.count, options.hashUploads !== false);
  if (options.keepUploads) upload.content = Buffer.from(media.content);
  if (!media.params.filename) return { answer: { errcode: 44001 }, upload };
  if (upload.filelength !== undefined && upload.filelength !== media.content.length)
    return { answer: { errcode: 40123 }, upload };
  const max = options.maxBytes?.[mediaType] ?? DEFAULT_MAX_BYTES[mediaType];
  if (media.content.length <= FILE_MUST_EXCEED_BYTES || media.content.length > max)
    return { answer: { errcode: SIZE_ERRCODE[mediaType] }, upload };
  if (mediaType === 'image' && options.checkImages !== false) {
    const refused = imageRefusal(media.content, attachmentType);
    if (refused !== undefined) return { answer: { errcode: refused }, upload };
  }

  const createdAt = Math.floor(Date.now() / 1000);
  const answer = {
    errcode: 0,
    type: mediaType,
    media_id: randomBytes(30).toString('base64url'),
    created_at: options.createdAtAsString ? String(createdAt) : createdAt,
  };
  return { answer, upload };
}

/**
 * The errcode for an image upload_attachment does not take, or undefined: the bytes must be a
 * JPEG or PNG ("图片：10MB，支持JPG,PNG格式"; 40004, invalid media type, per
 * https://developer.work.weixin.qq.com/document/path/90313), and a moments image must keep its
 * short edge within 1080 px and its long edge within 10800 px. WeCom does not document the
 * errcode of the edge rule; the emulator answers 40009 (invalid image size).
 */
function imageRefusal(content: Buffer, attachmentType: '1' | '2'): number | undefined {
  const facts = imageFacts(content);
  if (!facts) return 40004;
  if (attachmentType !== '1') return undefined;
  const short = Math.min(facts.width, facts.height);
  const long = Math.max(facts.width, facts.height);
  return short > MOMENT_IMAGE_EDGES.short || long > MOMENT_IMAGE_EDGES.long ? 40009 : undefined;
}

/**
 * The `media` part and how many parts the body had, or undefined where WeCom answers 44001: the
 * wire-format traps (a chunked body, no Content-Length, a Content-Type without boundary), a
 * malformed body, no part named `media`.
 */
function mediaPartOf(
  headers: IncomingHttpHeaders,
  body: Buffer,
): { media: ParsedPart; count: number } | undefined {
  if (headers['transfer-encoding'] || headers['content-length'] === undefined) return undefined;
  const boundary = boundaryOf(headers['content-type']);
  if (!boundary) return undefined;
  const parts = parseMultipart(body, boundary);
  if (typeof parts === 'string') return undefined;
  const media = parts.find((p) => p.params.name === 'media');
  return media && { media, count: parts.length };
}

function uploadRecord(media: ParsedPart, partCount: number, hash: boolean): RecordedUpload {
  const filelength = media.params.filelength;
  return {
    disposition: media.disposition,
    name: media.params.name,
    filename: media.params.filename,
    filenameBytes: media.filenameBytes,
    filelength: filelength === undefined ? undefined : Number(filelength),
    contentType: media.contentType,
    size: media.content.length,
    sha256: hash ? createHash('sha256').update(media.content).digest('hex') : '',
    partCount,
  };
}
