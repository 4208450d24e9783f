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

// The terms are those of WeCom's docs: 朋友圈, 商品图册, 图片, 视频, 普通文件, 长边, 短边, 时长.
const SCENES: Record<AttachmentType, string> = {
  [AttachmentType.Moment]: '朋友圈',
  [AttachmentType.ProductAlbum]: '商品图册',
};
const SOURCE_KINDS = {
  path: '路径',
  buffer: 'Buffer',
  stream: '流',
  multer: 'multer 文件',
  url: 'URL',
} as const;
const MEDIA: Record<MediaType, string> = {
  [MediaType.Image]: '图片',
  [MediaType.Video]: '视频',
  [MediaType.File]: '普通文件',
};

/** "10 MiB（10485760 字节）" for whole MiB, otherwise the byte count. */
const bytes = (n: number): string => {
  const mib = n / (1024 * 1024);
  return Number.isInteger(mib) && mib > 0 ? `${mib} MiB（${n} 字节）` : `${n} 字节`;
};
const or = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`;
const label = (format: MediaFormat): string =>
  format === 'unknown' ? '无法识别的格式' : FORMAT_LABELS[format];
/** "此文件实际为 GIF", or, when the bytes are no known format, "此文件的格式无法识别". */
const actually = (format: MediaFormat): string =>
  format === 'unknown' ? '此文件的格式无法识别' : `此文件实际为 ${label(format)}`;
/** Latin names read better spaced: "JPEG 或 PNG". */
const labels = (formats: readonly MediaFormat[]): string => {
  const names = formats.map(label);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join('、')} 或 ${names.at(-1)}`;
};
/** 被拒绝的凭证该如何处理（全局错误码，文档 90313）。 */
const ZH_CREDENTIAL_STEPS: Partial<Record<number, string>> = {
  40001: '请检查应用 Secret',
  40013: '请检查企业 ID（corpId）',
  40080: '请检查 suite_secret',
  40083: '请检查 suite_id',
  40084: '请检查该企业的永久授权码：授权码有误，或企业已取消授权（重新授权后会得到新的授权码）',
  40085: '请检查 suite_ticket：保存企业微信推送到回调地址的最新 ticket',
};

/** 配置或输入导致的错误码该怎么处理。 */
const ZH_ERRCODE_STEPS: Partial<Record<number, string>> = {
  40004: '：media_type 与文件不符，请以 image 上传图片、以 video 上传视频',
  40005: '：企业微信不接受此文件类型，请转换格式',
  40006: '：文件大小超出企业微信的范围，请压缩或更换文件',
  48002: '：此应用无权调用该接口，请在管理后台「客户联系」›「可调用接口的应用」中添加',
  60020: '：服务器 IP 不在应用的可信 IP 中，请在管理后台添加出口 IP（或代理的 IP）',
};

const convertTo = (mediaType: MediaType, formats: readonly MediaFormat[]): string =>
  mediaType === MediaType.Video
    ? `请转换为 ${labels(formats)}（例如 ${toMp4Command}）`
    : `请转换为 ${labels(formats)}`;

/** 简体中文：面向运营人员的提示。 */
export const ZH_CN_MESSAGES: Messages = {
  minSize: (limit, actual) =>
    `文件大小必须大于 ${limit} 字节；此文件为 ${actual} 字节：请上传完整的文件`,
  maxSize: (mediaType, limit, actual, exceeded) =>
    `${MEDIA[mediaType]}不能超过 ${bytes(limit)}；此文件${exceeded ? `超过 ${bytes(actual)}` : `为 ${bytes(actual)}`}：` +
    (mediaType === MediaType.File
      ? `请上传小于 ${bytes(limit)} 的文件`
      : mediaType === MediaType.Video
        ? `请压缩到 ${bytes(limit)} 以内（例如 ${compressVideoCommand}）`
        : `请压缩到 ${bytes(limit)} 以内`),
  format: (mediaType, accepted, actual) =>
    `${MEDIA[mediaType]}必须是 ${labels(accepted)} 格式；${actually(actual)}：${convertTo(mediaType, accepted)}`,
  formatOfAny: (accepted, actual) =>
    `附件必须是 ${accepted.map(label).join('、')} 格式；${actually(actual)}：请转换为其中一种格式`,
  mediaTypeMismatch: (mediaType, accepted, actual, actualType) =>
    `media_type 为 ${mediaType} 时文件须为 ${labels(accepted)}，但此文件实际为 ${label(actual)}（${MEDIA[actualType]}）：请以 media_type=${actualType} 上传`,
  mediaType: (actual) =>
    isMissing(actual)
      ? '缺少 media_type：请填写 image、video 或 file'
      : `media_type 必须是 image、video 或 file；收到 ${shown(actual)}：请使用其中之一`,
  attachmentType: (actual) =>
    isMissing(actual)
      ? '缺少 attachment_type：请填写 1（朋友圈）或 2（商品图册）'
      : `attachment_type 必须是 1（朋友圈）或 2（商品图册）；收到 ${shown(actual)}：请使用 1 或 2`,
  attachmentMediaType: (attachmentType, accepted, actual, elsewhere) => {
    const move = elsewhere
      .map((t) => `将${MEDIA[actual]}发到${SCENES[t]}（attachment_type=${t}）`)
      .join('，或');
    return `${SCENES[attachmentType]}只支持${or(accepted.map((t) => MEDIA[t]))}类型；收到${MEDIA[actual]}：请上传${or(accepted.map((t) => MEDIA[t]))}${move ? `，或${move}` : ''}`;
  },
  momentImageShortEdge: (limit, image, fit) =>
    `朋友圈图片的短边不能超过 ${limit} 像素；此 ${label(image.format)} 为 ${image.width} × ${image.height} 像素：请缩小到 ${fit.width} × ${fit.height} 或更小`,
  momentImageLongEdge: (limit, image, fit) =>
    `朋友圈图片的长边不能超过 ${limit} 像素；此 ${label(image.format)} 为 ${image.width} × ${image.height} 像素：请缩小到 ${fit.width} × ${fit.height} 或更小`,
  momentVideoDuration: (limit, seconds) =>
    `朋友圈视频时长不能超过 ${limit} 秒；此 MP4 时长 ${formatSeconds(seconds)} 秒：请剪辑到 ${limit} 秒以内（例如 ${trimCommand(limit)}）`,
  momentVideoDurationUnknown: (limit, format, why) =>
    `朋友圈视频时长不能超过 ${limit} 秒，但无法从此 ${label(format)} 读出时长（${why}）：请重新封装为时长写在文件头的普通 MP4（例如 ${remuxCommand}）`,
  unreadable: (_format, why) => `文件已损坏或不完整（${why}）：请重新导出或下载后再上传`,
  imagePixels: (limit, width, height) =>
    `待处理的图片最多 ${limit} 像素；此图片声明为 ${width} × ${height}（${width * height} 像素）：请上传更小的图片`,
  formatNotDecodable: (mediaType, accepted, actual) =>
    `${MEDIA[mediaType]}必须是 ${labels(accepted)} 格式；此文件实际为 ${label(actual)}，本服务器的 sharp 无法解码：请先转换为 ${labels(accepted)} 再上传（iPhone：设置 › 相机 › 格式 › 兼容性最佳）`,
  fitTooLarge: (limit, actual, last) => {
    const how = !last
      ? '重新编码'
      : last.format === 'jpeg'
        ? `重新编码到 JPEG 质量 ${last.quality}`
        : last.quality < 100
          ? `重新编码为调色板 PNG（质量 ${last.quality}）`
          : '重新编码为 PNG';
    return `图片不能超过 ${bytes(limit)}；${how}后仍为 ${bytes(actual)}：请上传更小的图片`;
  },
  fitTimeout: (limit) =>
    `调整图片耗时超过 ${limit} 毫秒（fit.timeoutMs），已停止：请发送更小的图片，或放宽时限`,
  fitInputTooLarge: (limit, actual, exceeded) =>
    `待处理的图片不能超过 ${bytes(limit)}；此图片${exceeded ? '更大' : `为 ${bytes(actual)}`}：请上传更小的图片`,
  corpMissing: () => '没有要上传到的企业：模块没有默认的 corpId，本次上传也没有指定，请提供 corpId',
  corpResolverFailed: () => '无法确定此请求所属的企业（控制器选项 corpId 出错，详见服务端日志）',
  corpUnresolved: () =>
    '无法确定此请求所属的企业（控制器的 corpId 选项未返回企业）：请以企业成员身份登录，或检查该函数',
  momentEmpty: () => '朋友圈内容需要文本或附件：请提供文本、图片、视频或链接',
  momentTextNotText: () => '朋友圈文本必须是字符串：请提供文本',
  momentAttachmentKinds: (kinds) =>
    `朋友圈附件只能是图片、视频或链接中的一种；此条包含 ${kinds.join('、')}：请分成多条发表`,
  momentImageCount: (limit, actual) =>
    `朋友圈最多 ${limit} 张图片；此条有 ${actual} 张：请最多提供 ${limit} 张`,
  momentTextLength: (limitChars, limitBytes, chars, size) =>
    `朋友圈文本最多 ${limitChars} 个字（${limitBytes} 个字节）；此条为 ${chars} 个字（${size} 个字节）：请缩短`,
  momentLinkTitle: (limit, actual) =>
    actual === 0
      ? `链接需要 1 到 ${limit} 字节的标题；此链接没有：请提供标题`
      : `链接标题最多 ${limit} 字节；此标题为 ${actual} 字节：请缩短`,
  momentLinkUrl: (scheme) =>
    `链接必须是不含用户名和密码的 http 或 https URL；此链接为 ${scheme}：请使用这样的 URL`,
  momentLinkCover: () => '链接需要封面图片（企业微信拒绝没有封面的链接）：请提供 link.cover',
  momentImagePixels: (limit, width, height) =>
    `朋友圈图片最多 ${limit} 像素（1440 × 1080）；此图为 ${width} × ${height}（${width * height} 像素）：请缩小，或使用 fit`,
  albumDescription: (limit, actual) =>
    actual === 0
      ? `商品图册需要 1 到 ${limit} 个字的描述；此图册没有：请提供描述`
      : `商品图册描述最多 ${limit} 个字；此描述为 ${actual} 个字：请缩短`,
  albumPrice: (min, max, actual) =>
    `商品图册价格以分为单位，是 ${min} 到 ${max} 的整数；收到 ${actual}：请以分为单位提供价格`,
  albumProductSn: (limit, actual) =>
    `商品编码（product_sn）是 1 到 ${limit} 个字母或数字；此编码为 ${actual} 个字符或含其他字符：请只用字母和数字`,
  albumImageCount: (limit, actual) =>
    `商品图册需要 1 到 ${limit} 张图片；此图册有 ${actual} 张：请提供 1 到 ${limit} 张`,
  momentVisibleRange: (field, actual) =>
    `${field} 只能包含 ID（成员 ID 和标签 ID 为非空文本；部门 ID 为从 1 起的整数）；收到 ${actual}：请使用企业微信分配的 ID`,
  taskPending: (jobId) =>
    `企业微信正在创建这条朋友圈（任务 ${jobId}）：请稍后查询结果，不要重复发表`,
  mediaIdInvalid: (actual) =>
    `{ mediaId } 必须是上传返回的 media_id（非空文本）；收到 ${actual}：请提供 media_id 或文件本身`,
  queueSource: (kind) =>
    `放入队列的文件必须是每个 worker 都能读取的路径、URL 或 media_id；收到的是 ${kind}：请先保存为文件，或先上传后提供 { mediaId }`,
  queueKeyContent: (publish, since) =>
    `此 key 已于 ${since} 以不同的内容加入队列，一个 key 只对应一个${publish === 'album' ? '商品图册' : '朋友圈'}：请使用新的 key，或${publish === 'album' ? '用 ProductAlbumService.update 修改图册' : '取消该朋友圈后以新的 key 发表'}`,
  urlScheme: (actual) => `只下载 http: 和 https: 的 URL，不支持 ${actual}：请使用 http(s) URL`,
  urlHost: (host, listed) =>
    listed === 0
      ? `不允许从 ${host} 下载，urlSources.allowedHosts 未列出任何主机：请将其列入`
      : `${host} 不在 urlSources.allowedHosts（共 ${listed} 项）中：请将其列入后再下载`,
  urlAddress: (host, address, addressClass) =>
    `${host} 解析到 ${address}，属于 ${addressClass} 地址，只从公网地址下载：请使用公网主机，或在 urlSources.allowedHosts 中列出该地址本身`,
  urlRedirects: (limit, url) =>
    `${url} 重定向超过 ${limit} 次（urlSources.maxRedirects）：请直接链接到文件本身`,
  urlTooLarge: (limit, actual, url) =>
    `${url} 声明的大小为 ${bytes(actual)}，超过上限 ${bytes(limit)}：请发送更小的文件`,
  sourceFailed: (kind) => `无法读取作为文件提供的${SOURCE_KINDS[kind]}：请检查后重试`,
  corpInvalid: () => 'corpId 不是有效的企业 ID（"ww…"：字母、数字、_ 或 -），请提供正确的企业 ID',
  corpNotServed: (served, asked) =>
    `此模块只有企业 ${served} 的 Secret，没有 ${asked} 的，请使用 secretFor 或 suite 服务多个企业`,
  filenameEmpty: () => '文件名为空，企业微信会向用户展示文件名：请为文件命名',
  filenameLength: (limit, actual) =>
    `文件名不能超过 ${limit} 字节（UTF-8）；此文件名为 ${actual} 字节：请缩短文件名（${limit} 字节约合 ${Math.floor(limit / 3)} 个汉字）`,

  ruleError: (violations) => `附件不符合上传规则：${violations.join('；')}`,
  list: (messages) => messages.join('；'),
  noFile: (field) => `请求中没有 multipart 字段 "${field}" 的文件`,
  sendFileIn: (field) => `请以 multipart/form-data 上传，文件字段名为 "${field}"`,
  atMostFilesIn: (field, limit) => `字段 "${field}" 中的文件过多：请最多上传 ${limit} 个`,
  oneFileIn: (field) => `只能上传一个文件，字段名为 "${field}"`,
  oneFile: () => '只能上传一个文件',
  tooManyParts: (limit) => `multipart 请求最多 ${limit} 个部分`,
  tooManyFields: (limit) => `最多 ${limit} 个文本字段`,
  fieldNameTooLong: () => '字段名过长',
  fieldNameMissing: () => 'multipart 请求中有部分缺少字段名：请为每个部分命名',
  fieldTooLarge: (limit) => `文本字段不能超过 ${limit} 字节`,
  bodyUnreadable: (detail) => `无法读取 multipart 请求体：${detail}`,
  fileTooLarge: (limit) => `文件不能超过 ${bytes(limit)}；此文件更大：请压缩后再上传`,
  receiveTimeout: (ms) => `上传未在 ${ms} 毫秒内完成：请检查网络后重试`,

  credentialSourceFailed: (source) =>
    `无法读取本次上传所需的凭证（${source} 出错，详见服务端日志）：未向企业微信发送任何内容，请稍后重试`,
  wecomRefused: (api, errcode, errmsg) =>
    `企业微信接口 ${api} 返回错误码 ${errcode}${errmsg === undefined ? '' : `（${errmsg}）`}${ZH_ERRCODE_STEPS[errcode] ?? `：请查阅错误码说明 ${ERRCODE_PAGE}`}`,
  wecomBusy: (api, errcode) =>
    `企业微信接口 ${api} 系统繁忙（错误码 ${errcode}），重试后仍失败：请稍后再试`,
  wecomRateLimited: (api, errcode, seconds) =>
    `企业微信接口 ${api} 调用超过频率或并发限制（错误码 ${errcode}）：请 ${seconds} 秒后重试`,
  heldBack: (api, errcode, seconds) =>
    `未调用企业微信接口 ${api}：本模块将调用保持在企业微信的频率与并发限制之内（否则会返回错误码 ${errcode}）：请 ${seconds} 秒后重试`,
  credentialsRefused: (api, errcode, retryAt) =>
    `企业微信接口 ${api} 拒绝了应用凭证（错误码 ${errcode}）：${ZH_CREDENTIAL_STEPS[errcode] ?? '请检查企业 ID（corpId）和应用 Secret'}` +
    (retryAt ? `；下次尝试时间 ${retryAt.toISOString()}` : ''),
  wecomTimeout: (api, ms) => `企业微信接口 ${api} 未在 ${ms} 毫秒内响应：请稍后重试`,
  wecomUnreachable: (api, code, proxy) =>
    proxy
      ? `无法通过代理 ${proxy} 连接企业微信接口 ${api}（${code}）：请检查网络和代理`
      : `无法连接企业微信接口 ${api}（${code}）：请检查网络或代理设置`,
  wecomGarbled: (api, status, reason, proxy) =>
    proxy
      ? `代理 ${proxy} 代替企业微信接口 ${api} 返回了 HTTP ${status}（${reason}）`
      : `企业微信接口 ${api} 返回了无法识别的响应（HTTP ${status}：${reason}）`,
  aborted: (reason) =>
    reason === 'shutdown' ? '上传已中断：服务正在关闭，请稍后重试' : '上传已中断：客户端已断开连接',
};
