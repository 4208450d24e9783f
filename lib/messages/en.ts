import { AttachmentType } from '../attachment-type.enum.js';
import { MediaType } from '../media-type.enum.js';
import type { MediaFormat } from '../media/media-format.js';
import {
  compressVideoCommand,
  ERRCODE_PAGE,
  remuxCommand,
  toMp4Command,
  trimCommand,
} from './next-steps.js';
import { FORMAT_LABELS, formatSeconds, isMissing, shown } from './labels.js';
import type { Messages } from './messages.js';

const SCENES: Record<AttachmentType, string> = {
  [AttachmentType.Moment]: 'moments (朋友圈)',
  [AttachmentType.ProductAlbum]: 'product album (商品图册)',
};
const TO_SCENE: Record<AttachmentType, string> = {
  [AttachmentType.Moment]: 'to moments',
  [AttachmentType.ProductAlbum]: 'to the product album',
};
const A_MEDIA: Record<MediaType, string> = {
  [MediaType.Image]: 'an image',
  [MediaType.Video]: 'a video',
  [MediaType.File]: 'a file',
};

/** "10 MiB (10485760 bytes)" for whole MiB, otherwise the byte count. */
const bytes = (n: number): string => {
  const mib = n / (1024 * 1024);
  return Number.isInteger(mib) && mib > 0 ? `${mib} MiB (${n} bytes)` : `${n} bytes`;
};
const or = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
const labels = (formats: readonly MediaFormat[]): string =>
  or(formats.map((f) => FORMAT_LABELS[f]));
/** What to fix, per refused credential (doc 90313). */
const EN_CREDENTIAL_STEPS: Partial<Record<number, string>> = {
  40001: "check the app's secret",
  40013: 'check the corp id',
  40080: 'check the suite secret',
  40083: 'check the suite id',
  40084:
    "check the corp's permanent_code: a wrong one, or the corp cancelled its authorisation (it gets a new one when it authorises again)",
  40085: 'check the suite_ticket: store the latest one WeCom pushes to your callback URL',
};

/** What to do about the errcodes a configuration or an input causes. */
const EN_ERRCODE_STEPS: Partial<Record<number, string>> = {
  40004: ': the media_type does not match the file; send images as image, videos as video',
  40005: ': WeCom does not take this file type; convert it',
  40006: ': the file is too large or too small for WeCom; send one of another size',
  48002:
    ": this app may not call the API: add it to 「客户联系」›「可调用接口的应用」 in WeCom's admin console",
  60020:
    ": this server's IP is not among the app's trusted IPs: add its egress IP (or the proxy's) in WeCom's admin console",
};

const convertTo = (mediaType: MediaType, formats: readonly MediaFormat[]): string =>
  mediaType === MediaType.Video
    ? `convert it to ${labels(formats)} (e.g. ${toMp4Command})`
    : `convert it to ${labels(formats)}`;

/** English: the default. */
export const EN_MESSAGES: Messages = {
  minSize: (limit, actual) =>
    `every file must be larger than ${limit} bytes; this one is ${actual} bytes: send the whole file`,
  maxSize: (mediaType, limit, actual, exceeded) =>
    `${mediaType} files may be at most ${bytes(limit)}; this one is ${exceeded ? `more than ${bytes(actual)}` : bytes(actual)}: ` +
    (mediaType === MediaType.File
      ? `send a file under ${bytes(limit)}`
      : mediaType === MediaType.Video
        ? `compress it to at most ${bytes(limit)} (e.g. ${compressVideoCommand})`
        : `compress it to at most ${bytes(limit)}`),
  format: (mediaType, accepted, actual) =>
    `${mediaType} files must be ${labels(accepted)}; the bytes are ${FORMAT_LABELS[actual]}: ${convertTo(mediaType, accepted)}`,
  formatOfAny: (accepted, actual) =>
    `attachments must be ${accepted.map((f) => FORMAT_LABELS[f]).join(', ')}; the bytes are ${FORMAT_LABELS[actual]}: convert it to one of them`,
  mediaTypeMismatch: (mediaType, accepted, actual, actualType) =>
    `media_type ${mediaType} needs ${labels(accepted)}, but the bytes are ${FORMAT_LABELS[actual]}, which is ${A_MEDIA[actualType]}: send it with media_type=${actualType}`,
  mediaType: (actual) =>
    isMissing(actual)
      ? 'media_type is missing: give one of image, video, file'
      : `media_type must be one of image, video, file; got ${shown(actual)}: use one of them`,
  attachmentType: (actual) =>
    isMissing(actual)
      ? 'attachment_type is missing: give 1 (moments) or 2 (product album)'
      : `attachment_type must be 1 (moments) or 2 (product album); got ${shown(actual)}: use 1 or 2`,
  attachmentMediaType: (attachmentType, accepted, actual, elsewhere) => {
    const instead = `send ${or(accepted.map((t) => A_MEDIA[t]))}`;
    const move = elsewhere
      .map((t) => `send the ${actual} ${TO_SCENE[t]} instead (attachment_type=${t})`)
      .join(', or ');
    return `${SCENES[attachmentType]} attachments accept only ${or(accepted)}; got ${actual}: ${instead}${move ? `, or ${move}` : ''}`;
  },
  momentImageShortEdge: (limit, image, fit) =>
    `moments images need a short edge of at most ${limit} px; this ${FORMAT_LABELS[image.format]} is ${image.width} × ${image.height} px: resize it to ${fit.width} × ${fit.height} or smaller`,
  momentImageLongEdge: (limit, image, fit) =>
    `moments images need a long edge of at most ${limit} px; this ${FORMAT_LABELS[image.format]} is ${image.width} × ${image.height} px: resize it to ${fit.width} × ${fit.height} or smaller`,
  momentVideoDuration: (limit, seconds) =>
    `moments videos may last at most ${limit} s; this MP4 lasts ${formatSeconds(seconds)} s: trim it to ${limit} s (e.g. ${trimCommand(limit)})`,
  momentVideoDurationUnknown: (limit, format, why) =>
    `moments videos may last at most ${limit} s, and this ${FORMAT_LABELS[format]}'s length cannot be read (${why}): re-encode it as a plain MP4 with its length in the header (e.g. ${remuxCommand})`,
  unreadable: (_format, why) =>
    `${why}: the file is damaged or cut short; export or download it again`,
  imagePixels: (limit, width, height) =>
    `images to be fitted may have at most ${limit} pixels; this one declares ${width} × ${height} (${width * height}): send a smaller image`,
  formatNotDecodable: (mediaType, accepted, actual) =>
    `${mediaType} files must be ${labels(accepted)}; the bytes are ${FORMAT_LABELS[actual]}, which this server's sharp cannot decode: convert it to ${labels(accepted)} before sending it (on an iPhone: Settings › Camera › Formats › Most Compatible)`,
  fitTooLarge: (limit, actual, last) => {
    const how = !last
      ? 're-encoded'
      : last.format === 'jpeg'
        ? `re-encoded down to JPEG quality ${last.quality}`
        : last.quality < 100
          ? `re-encoded as a palette PNG (quality ${last.quality})`
          : 're-encoded as PNG';
    return `images may be at most ${bytes(limit)}; ${how}, this one is still ${bytes(actual)}: send a smaller image`;
  },
  fitTimeout: (limit) =>
    `fitting the image took longer than ${limit} ms (fit.timeoutMs), so it was stopped: send a smaller image, or allow more time`,
  fitInputTooLarge: (limit, actual, exceeded) =>
    `images to be fitted may be at most ${bytes(limit)}; this one is ${exceeded ? 'larger' : bytes(actual)}: send a smaller image`,
  corpMissing: () =>
    'no corp to upload for: the module has no default corpId, and the upload names none; give corpId',
  corpResolverFailed: () =>
    'the corp of this request could not be resolved (the controller option corpId failed; see the server log)',
  corpUnresolved: () =>
    'this request names no corp (the controller option corpId found none): sign in as a member of a corp, or fix the resolver',
  momentEmpty: () => 'a moment needs text or an attachment: give text, images, a video or a link',
  momentTextNotText: () => "a moment's text must be a string: give text",
  momentAttachmentKinds: (kinds) =>
    `a moment takes images, a video or a link, one kind only; this one has ${kinds.join(' and ')}: send them as separate moments`,
  momentImageCount: (limit, actual) =>
    `a moment takes 1 to ${limit} images; this one has ${actual}: send at most ${limit}`,
  momentTextLength: (limitChars, limitBytes, chars, size) =>
    `a moment's text may be at most ${limitChars} characters and ${limitBytes} bytes; this one is ${chars} characters (${size} bytes): shorten it`,
  momentLinkTitle: (limit, actual) =>
    actual === 0
      ? `a link needs a title of 1 to ${limit} bytes; this one has none: give a title`
      : `a link's title may be at most ${limit} bytes; this one is ${actual}: shorten it`,
  momentLinkUrl: (scheme) =>
    `a link must be an http or https URL, without a user name or password; this one is ${scheme}: use such a URL`,
  momentLinkCover: () =>
    'a link needs its cover image (WeCom refuses a link without one): give link.cover',
  momentImagePixels: (limit, width, height) =>
    `moments images may hold at most ${limit} px (1440 × 1080); this one is ${width} × ${height} (${width * height} px): resize it, or use fit`,
  albumDescription: (limit, actual) =>
    actual === 0
      ? `a product album needs a description of 1 to ${limit} characters; this one has none: give one`
      : `a product album's description may be at most ${limit} characters; this one is ${actual}: shorten it`,
  albumPrice: (min, max, actual) =>
    `a product album's price is a whole number of fen from ${min} to ${max}; got ${actual}: give the price in fen`,
  albumProductSn: (limit, actual) =>
    `a product_sn is 1 to ${limit} letters and digits; this one is ${actual} characters or holds others: use letters and digits only`,
  albumImageCount: (limit, actual) =>
    `a product album takes 1 to ${limit} images; this one has ${actual}: give 1 to ${limit}`,
  momentVisibleRange: (field, actual) =>
    `${field} must hold ids (user ids and tag ids: non-empty texts; department ids: whole numbers from 1); got ${actual}: give ids as WeCom issued them`,
  taskPending: (jobId) =>
    `WeCom is creating the moment (task ${jobId}): ask for its result later, and do not publish it again`,
  mediaIdInvalid: (actual) =>
    `a { mediaId } must be a media_id an upload returned (a non-empty text); got ${actual}: give the media_id, or the file`,
  queueSource: (kind) =>
    `a queued file must be a path, a URL or a media_id that every worker can read; got ${kind}: save it to a file first, or upload it and give { mediaId }`,
  queueKeyContent: (publish, since) =>
    `this key was enqueued at ${since} with other content, and a key names one ${publish}: use a new key, or change the ${publish === 'album' ? 'album with ProductAlbumService.update' : 'moment by cancelling it and publishing under a new key'}`,
  urlScheme: (actual) =>
    `only http: and https: URLs are downloaded, not ${actual}: use an http(s) URL`,
  urlHost: (host, listed) =>
    listed === 0
      ? `${host} is not allowed, nor is any host until urlSources.allowedHosts lists some: add it there`
      : `${host} is not in urlSources.allowedHosts (${listed} ${listed === 1 ? 'entry' : 'entries'}): add it there to download from it`,
  urlAddress: (host, address, addressClass) =>
    `${host} resolves to ${address}, a ${addressClass} address, and only public addresses are downloaded from: use a public host, or add the address itself to urlSources.allowedHosts`,
  urlRedirects: (limit, url) =>
    `${url} redirected more than ${limit} ${limit === 1 ? 'time' : 'times'} (urlSources.maxRedirects): use a link to the file itself`,
  urlTooLarge: (limit, actual, url) =>
    `${url} declares ${bytes(actual)}, over the limit of ${bytes(limit)}: send a smaller file`,
  sourceFailed: (kind) =>
    `the ${kind === 'url' ? 'URL' : kind} given as the file could not be read: check it and try again`,
  corpInvalid: () => 'corpId must be a corp id ("ww…": letters, digits, _ or -); give a valid one',
  corpNotServed: (served, asked) =>
    `this module holds the secret of corp ${served} only, not of ${asked}: use secretFor or suite to serve several corps`,
  filenameEmpty: () => 'the filename is empty; WeCom shows it to users: give the file a name',
  filenameLength: (limit, actual) =>
    `filenames may be at most ${limit} bytes of UTF-8; this one is ${actual} bytes: shorten it (${limit} bytes hold about ${Math.floor(limit / 3)} Chinese characters)`,

  ruleError: (violations) => `attachment breaks the upload rules: ${violations.join('; ')}`,
  list: (messages) => messages.join('; '),
  noFile: (field) => `no file in the multipart field "${field}"`,
  sendFileIn: (field) => `send the file as multipart/form-data in a field named "${field}"`,
  atMostFilesIn: (field, limit) => `too many files in the field "${field}": send at most ${limit}`,
  oneFileIn: (field) => `send exactly one file, in the field "${field}"`,
  oneFile: () => 'send exactly one file',
  tooManyParts: (limit) => `send at most ${limit} multipart parts`,
  tooManyFields: (limit) => `send at most ${limit} text fields`,
  fieldNameTooLong: () => 'a field name is too long',
  fieldNameMissing: () => 'a multipart part has no field name: name every part',
  fieldTooLarge: (limit) => `text fields may be at most ${limit} bytes`,
  bodyUnreadable: (detail) => `the multipart body could not be read: ${detail}`,
  fileTooLarge: (limit) =>
    `files may be at most ${bytes(limit)}; this one is larger: compress it or send a smaller file`,
  receiveTimeout: (ms) =>
    `the upload did not arrive within ${ms} ms: check the connection and try again`,

  credentialSourceFailed: (source) =>
    `the credentials for this upload could not be read (${source} failed; see the server log): nothing was sent to WeCom; try again later`,
  wecomRefused: (api, errcode, errmsg) =>
    `WeCom ${api} failed with errcode ${errcode}${errmsg === undefined ? '' : `: ${errmsg}`}${EN_ERRCODE_STEPS[errcode] ?? `; look the errcode up at ${ERRCODE_PAGE}`}`,
  wecomBusy: (api, errcode) =>
    `WeCom ${api} is busy (errcode ${errcode}) after every retry: try again in a moment`,
  wecomRateLimited: (api, errcode, seconds) =>
    `WeCom ${api} refused the call over its limits (errcode ${errcode}): try again in ${seconds} s`,
  heldBack: (api, errcode, seconds) =>
    `WeCom ${api} was not called: the module keeps its calls within WeCom's limits (errcode ${errcode} otherwise): try again in ${seconds} s`,
  credentialsRefused: (api, errcode, retryAt) =>
    `WeCom ${api} refused the app's credentials (errcode ${errcode}): ${EN_CREDENTIAL_STEPS[errcode] ?? 'check the corp id and the secret'}` +
    (retryAt ? `; the next attempt will be made at ${retryAt.toISOString()}` : ''),
  wecomTimeout: (api, ms) => `WeCom ${api} did not answer within ${ms} ms`,
  wecomUnreachable: (api, code, proxy) =>
    `WeCom ${api} could not be reached${proxy ? ` through the proxy ${proxy}` : ''}: ${code}; check the network${proxy ? ' and the proxy' : ''}`,
  wecomGarbled: (api, status, reason, proxy) =>
    proxy
      ? `the proxy ${proxy} answered HTTP ${status} for WeCom ${api} with ${reason}`
      : `WeCom ${api} answered HTTP ${status} with ${reason}`,
  aborted: (reason) =>
    reason === 'shutdown'
      ? 'the upload was cut short: the application is shutting down; try again in a moment'
      : 'the upload was cut short: the client closed the connection',
};
