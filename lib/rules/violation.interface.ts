/**
 * The rules an attachment or an upload request can break; each name names one failure.
 *
 * - `min-size`: the file is 5 bytes or smaller (every file must be larger).
 * - `max-size`: the file is over its media type's size limit (a URL's Content-Length too).
 * - `format`: the bytes are not a format the media type accepts.
 * - `media-type-mismatch`: the bytes are a format of another media type (an MP4 sent as image).
 * - `media-type`: `media_type` is not `image`, `video` or `file`.
 * - `attachment-type`: `attachment_type` is not 1 (moments) or 2 (product album).
 * - `attachment-media-type`: the attachment type does not take this media type (an album video).
 * - `moment-image-long-edge`, `moment-image-short-edge`: a moments image is too large.
 * - `moment-video-duration`: a moments video is too long.
 * - `moment-video-duration-unknown`: a moments video whose length cannot be read from its bytes.
 * - `unreadable`: the bytes claim a format but are truncated or corrupt.
 * - `image-pixels`: an image to be fitted declares more pixels than `fit.maxInputPixels`.
 * - `fit-timeout`: fitting an image took longer than `fit.timeoutMs`.
 * - `filename-empty`, `filename-length`: the name users see is empty, or too long.
 * - `file-missing`: an upload request has no file in its file field (`media`).
 * - `file-unexpected`: a file in another field, or a second file in the file field.
 * - `file-count`: more files than the one an upload takes (or the most an `AttachmentFilesInterceptor` takes).
 * - `multipart-parts`, `multipart-fields`: too many parts, or too many text fields.
 * - `multipart-field-name`, `multipart-field-size`: a field name or a text field too long.
 * - `multipart-malformed`: a body that is not well-formed multipart/form-data.
 * - `receive-timeout`: the client did not send its whole upload in time.
 * - `moment-empty`: a moment with neither text nor an attachment.
 * - `moment-attachment-kinds`: a moment with images, a video or a link mixed.
 * - `moment-image-count`: a moment with more images than `rules.moment.maxImages` (9).
 * - `moment-text-length`: a moment's text over its characters or bytes (2000, 4000), or no text.
 * - `moment-link-title`, `moment-link-url`, `moment-link-cover`: a link's title (1–64 bytes), its
 *   URL (http or https), its cover image (required).
 * - `moment-image-pixels`: a moments image over `rules.moment.maxImagePixels` (1440 × 1080).
 * - `moment-visible-range`: a sender or a customer tag that is no id (an empty text, a department
 *   that is no whole number).
 * - `media-id`: a `{ mediaId }` source that is no media_id (not a text, or an empty one).
 * - `album-description`, `album-price`, `album-product-sn`, `album-image-count`: a product album's
 *   description (1–300 characters), price (whole fen, 1–5,000,000), product_sn (letters and digits,
 *   at most 128) and images (1–9).
 * - `queue-source`: a file given to `PublishQueue` that a worker cannot read: a Buffer, a stream,
 *   a multer file in memory (give a path, a URL or a media_id).
 * - `queue-key-content`: a key enqueued again with other content (a key names one album or moment).
 * - `corp-id`: no corp to upload for, a malformed corp id, or a corp the module has no
 *   credentials for.
 * - `url-scheme`: a URL to download that is not http: or https:.
 * - `url-host`: a URL (or a redirect) whose host and port are not in `urlSources.allowedHosts`.
 * - `url-address`: a listed host that resolves to a private, loopback, link-local or otherwise
 *   non-public address not itself listed.
 * - `url-redirects`: a URL redirected more than `urlSources.maxRedirects` times.
 *
 * @publicApi
 */
export type RuleName =
  | 'min-size'
  | 'max-size'
  | 'format'
  | 'media-type-mismatch'
  | 'media-type'
  | 'attachment-type'
  | 'attachment-media-type'
  | 'moment-image-long-edge'
  | 'moment-image-short-edge'
  | 'moment-video-duration'
  | 'moment-video-duration-unknown'
  | 'unreadable'
  | 'image-pixels'
  | 'fit-timeout'
  | 'filename-empty'
  | 'filename-length'
  | 'file-missing'
  | 'file-unexpected'
  | 'file-count'
  | 'multipart-parts'
  | 'multipart-fields'
  | 'multipart-field-name'
  | 'multipart-field-size'
  | 'multipart-malformed'
  | 'receive-timeout'
  | 'moment-empty'
  | 'moment-attachment-kinds'
  | 'moment-image-count'
  | 'moment-text-length'
  | 'moment-link-title'
  | 'moment-link-url'
  | 'moment-link-cover'
  | 'moment-image-pixels'
  | 'album-description'
  | 'album-price'
  | 'album-product-sn'
  | 'album-image-count'
  | 'moment-visible-range'
  | 'media-id'
  | 'queue-source'
  | 'queue-key-content'
  | 'corp-id'
  | 'url-scheme'
  | 'url-host'
  | 'url-address'
  | 'url-redirects';

/**
 * One broken rule: its name, a message that names the limit and the actual value, and both
 * values for programs.
 *
 * @publicApi
 */
export interface Violation {
  /** Which rule: one name per failure (see {@link RuleName}). */
  rule: RuleName;
  /** The rule, its limit and the actual value in words, in the module's locale. */
  message: string;
  /** The limit the rule sets, where it has one. */
  limit?: number | string;
  /** The value found, where there is one. */
  actual?: number | string;
}
