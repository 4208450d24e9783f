/** Injection token of the {@link AccessTokenProvider} the module uses; inject it to reuse the token. */
export const WECOM_ACCESS_TOKEN_PROVIDER = Symbol('WECOM_ACCESS_TOKEN_PROVIDER');

/** Injection token of the resolved attachment rules. */
export const WECOM_ATTACHMENT_RULES = Symbol('WECOM_ATTACHMENT_RULES');

/** Injection token of the key-value store shared by tokens, locks and the media-id cache. */
export const WECOM_STORE = Symbol('WECOM_STORE');

export const DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONTROLLER_PATH = 'wecom/attachments';

/** A media_id is valid for three days from its `created_at`. */
export const MEDIA_ID_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000;

export const GETTOKEN_PATH = '/cgi-bin/gettoken';
export const UPLOAD_ATTACHMENT_PATH = '/cgi-bin/media/upload_attachment';

/** The logger context of every line this module writes. */
export const LOGGER_CONTEXT = 'WecomMedia';

/** Injection token of the module options after validation; internal classes inject this one. */
export const WECOM_MEDIA_OPTIONS = Symbol('WECOM_MEDIA_OPTIONS');

/** Injection token of the private temp directory where streams and controller uploads are spooled. */
export const WECOM_TEMP_DIRECTORY = Symbol('WECOM_TEMP_DIRECTORY');

/** Injection token of the media-id cache; provided only when the `mediaCache` option is on. */
export const WECOM_MEDIA_ID_CACHE = Symbol('WECOM_MEDIA_ID_CACHE');
