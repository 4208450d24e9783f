import type { EmulatorApi } from './wecom-emulator-options.interface.js';

// WeCom's own facts, written out here rather than taken from lib/: the emulator must catch the
// library's mistakes, so it never reuses the library's tables.

type MediaType = 'image' | 'video' | 'file';

/**
 * The path of each API on qyapi.weixin.qq.com: gettoken per
 * https://developer.work.weixin.qq.com/document/path/91039, upload_attachment per
 * https://developer.work.weixin.qq.com/document/path/95098, get_suite_token per
 * https://developer.work.weixin.qq.com/document/path/90600, get_corp_token per
 * https://developer.work.weixin.qq.com/document/path/90605.
 */
export const API_PATHS: Readonly<Record<string, EmulatorApi>> = {
  '/cgi-bin/gettoken': 'gettoken',
  '/cgi-bin/media/upload_attachment': 'upload_attachment',
  '/cgi-bin/service/get_suite_token': 'get_suite_token',
  '/cgi-bin/service/get_corp_token': 'get_corp_token',
};

/** gettoken's `expires_in`, per https://developer.work.weixin.qq.com/document/path/91039. */
export const DEFAULT_TOKEN_TTL_SECONDS = 7200;

/**
 * The errmsg beside each errcode the emulator answers. The errcodes and their meanings are the
 * global error codes of https://developer.work.weixin.qq.com/document/path/90313; the texts are
 * short English forms, not WeCom's exact wording, as clients must branch on errcode, never errmsg.
 */
export const ERRMSG: Readonly<Record<number, string>> = {
  0: 'ok',
  [-1]: 'system busy',
  40001: 'invalid credential',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid file size',
  40009: 'invalid image size',
  40011: 'invalid video size',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40080: 'invalid suite_secret',
  40082: 'invalid suite_token',
  40083: 'invalid suite_id',
  40084: 'invalid permanent_code',
  40085: 'invalid suite_ticket',
  40123: 'invalid image format, or filelength differs from the file size',
  41001: 'access_token missing',
  41072: 'invalid media_type and attachment_type combination',
  42001: 'access_token expired',
  42009: 'suite_access_token expired',
  44001: 'empty media data, check the multipart headers and body',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  47001: 'data format error',
  48002: 'api forbidden',
  60020: 'not allow to access from your ip',
};

/**
 * The errcode of a file too small or too large, per media type: upload_attachment's limits
 * (https://developer.work.weixin.qq.com/document/path/95098) with the size errcodes of
 * https://developer.work.weixin.qq.com/document/path/90313.
 */
export const SIZE_ERRCODE = { image: 40009, video: 40011, file: 40006 } as const;

/** Every file must be larger than this, per https://developer.work.weixin.qq.com/document/path/95098. */
export const FILE_MUST_EXCEED_BYTES = 5;

/**
 * The largest upload per media type: "10MB" each on
 * https://developer.work.weixin.qq.com/document/path/95098, read as 10 × 1024 × 1024 bytes.
 */
export const DEFAULT_MAX_BYTES: Readonly<Record<MediaType, number>> = {
  image: 10 * 1024 * 1024,
  video: 10 * 1024 * 1024,
  file: 10 * 1024 * 1024,
};

/**
 * The media types each attachment_type accepts, per
 * https://developer.work.weixin.qq.com/document/path/95098: moments (1) take images and videos,
 * the product album (2) only images.
 */
export const DEFAULT_ACCEPTS: Readonly<Record<'1' | '2', readonly MediaType[]>> = {
  '1': ['image', 'video'],
  '2': ['image'],
};

/**
 * The edges of a moments image, per https://developer.work.weixin.qq.com/document/path/95098:
 * "长边不超过10800像素，短边不超过1080像素".
 */
export const MOMENT_IMAGE_EDGES = { short: 1080, long: 10_800 } as const;
