/**
 * Injection token of the {@link AccessTokenProvider} the module uses. Inject it to reuse the
 * module's cached token for other WeCom calls.
 *
 * @publicApi
 */
export const WECOM_ACCESS_TOKEN_PROVIDER = Symbol('WECOM_ACCESS_TOKEN_PROVIDER');

/**
 * Injection token of the module's {@link AttachmentRules}: the doc's limits with the `rules`
 * option laid over them. Inject it to judge files in your own code by the module's rules.
 *
 * @publicApi
 */
export const WECOM_ATTACHMENT_RULES = Symbol('WECOM_ATTACHMENT_RULES');

/** Injection token of the options after validation, every default filled in (internal). */
export const WECOM_RESOLVED_OPTIONS = Symbol('WECOM_RESOLVED_OPTIONS');

/** Injection token of the messages in the module's `locale` (internal). */
export const WECOM_MESSAGES = Symbol('WECOM_MESSAGES');

/** Injection token of the key-value store behind tokens, locks and the media-id cache (internal). */
export const WECOM_STORE = Symbol('WECOM_STORE');

/** A media_id is valid for three days from its `created_at` (the upload doc, 95098). */
export const MEDIA_ID_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000;

/** The logger context of every line this module writes. */
export const LOGGER_CONTEXT = 'WecomMedia';
