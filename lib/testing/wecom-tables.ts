import type { EmulatorApi } from './wecom-emulator-options.interface.js';

// WeCom's own facts, written out here rather than taken from lib/: the emulator must catch the
// library's mistakes, so it never reuses the library's tables.

type MediaType = 'image' | 'video' | 'file';

/**
 * The path of each API on qyapi.weixin.qq.com: gettoken per
 * https://developer.work.weixin.qq.com/document/path/91039, upload_attachment per
 * https://developer.work.weixin.qq.com/document/path/95098, get_suite_token per
 * https://developer.work.weixin.qq.com/document/path/90600, get_corp_token per
 * https://developer.work.weixin.qq.com/document/path/90605, the moment tasks per 95094/95095
 * and 97612, the product album per 95096.
 */
export const API_PATHS: Readonly<Record<string, EmulatorApi>> = {
  '/cgi-bin/gettoken': 'gettoken',
  '/cgi-bin/media/upload_attachment': 'upload_attachment',
  '/cgi-bin/service/get_suite_token': 'get_suite_token',
  '/cgi-bin/service/get_corp_token': 'get_corp_token',
  '/cgi-bin/externalcontact/add_moment_task': 'add_moment_task',
  '/cgi-bin/externalcontact/get_moment_task_result': 'get_moment_task_result',
  '/cgi-bin/externalcontact/cancel_moment_task': 'cancel_moment_task',
  '/cgi-bin/externalcontact/add_product_album': 'add_product_album',
  '/cgi-bin/externalcontact/get_product_album': 'get_product_album',
  '/cgi-bin/externalcontact/get_product_album_list': 'get_product_album_list',
  '/cgi-bin/externalcontact/update_product_album': 'update_product_album',
  '/cgi-bin/externalcontact/delete_product_album': 'delete_product_album',
};

/** The APIs that publish what was uploaded: they act for the corp of their access_token. */
export const PUBLISHING_APIS: ReadonlySet<EmulatorApi> = new Set<EmulatorApi>([
  'add_moment_task',
  'get_moment_task_result',
  'cancel_moment_task',
  'add_product_album',
  'get_product_album',
  'get_product_album_list',
  'update_product_album',
  'delete_product_album',
]);

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
  40007: 'invalid media_id',
  40008: 'invalid msgtype',
  40009: 'invalid image size',
  40011: 'invalid video size',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40058: 'invalid parameter',
  40063: 'some parameters are empty',
  40080: 'invalid suite_secret',
  40082: 'invalid suite_token',
  40083: 'invalid suite_id',
  40084: 'invalid permanent_code',
  40085: 'invalid suite_ticket',
  40088: 'invalid jobid',
  40094: 'invalid url',
  40123: 'invalid image format, or filelength differs from the file size',
  41001: 'access_token missing',
  41006: 'media_id missing',
  41010: 'url missing',
  41033: 'description missing',
  41059: 'moment_id missing',
  41060: 'invalid moment_id',
  41064: 'invalid attachments size',
  41065: 'invalid attachments msgtype',
  41072: 'invalid media_type and attachment_type combination',
  42001: 'access_token expired',
  42009: 'suite_access_token expired',
  44001: 'empty media data, check the multipart headers and body',
  44004: 'text content empty',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  47001: 'data format error',
  48002: 'api forbidden',
  50100: 'invalid cursor',
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

/**
 * How long a media_id lives: "media_id在3天内有效" on
 * https://developer.work.weixin.qq.com/document/path/95098.
 */
export const MEDIA_TTL_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * add_moment_task's limits (https://developer.work.weixin.qq.com/document/path/95095): text of
 * 2000 characters and 4000 bytes, 9 images or 1 video or 1 link, a link title of 64 characters
 * and 128 bytes (older copies of the page say 64 bytes), 100,000 senders.
 */
export const MOMENT_RULES = {
  textChars: 2000,
  textBytes: 4000,
  images: 9,
  linkTitleChars: 64,
  linkTitleBytes: 128,
  senders: 100_000,
} as const;

/**
 * The product album's limits (https://developer.work.weixin.qq.com/document/path/95096): a
 * description of 300 characters, a price in fen up to 50,000 yuan, a product_sn of 128 letters and
 * digits, up to 9 images; get_product_album_list takes a limit up to 100 (50 by default, and over
 * 100 it takes the default).
 */
export const ALBUM_RULES = {
  descriptionChars: 300,
  /** The page gives no floor; a price of 0 fen is refused as an assumption. */
  minPrice: 1,
  maxPrice: 5_000_000,
  productSn: /^[A-Za-z0-9]{1,128}$/,
  images: 9,
  listDefault: 50,
  listMax: 100,
} as const;
