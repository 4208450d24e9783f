import {
  bytesOf,
  charsOf,
  isArrayOf,
  isInteger,
  isString,
  objectOf,
  type JsonObject,
} from './json-body.js';
import type { MediaRegistry } from './media-registry.js';
import type { MomentContent, MomentTasks } from './moment-tasks.js';
import type { EmulatorMomentAttachment, EmulatorVisibleRange } from './published.interface.js';
import type { WecomAnswer } from './wecom-answer.js';
import { MOMENT_RULES } from './wecom-tables.js';

// Moments (https://developer.work.weixin.qq.com/document/path/95095 and 97612). The page names
// the errmsg of some refusals ('invalid text size', 'invalid attachments size', 'invalid
// attachments msgtype', 'invalid msg') but no errcode; the emulator answers the global errcode
// whose meaning fits (https://developer.work.weixin.qq.com/document/path/90313), an assumption
// each: 40058 invalid parameter, 44004 empty text, 40008 invalid msgtype, 41064 attachments
// size, 41065 attachment type, 41006 media_id missing, 41010 url missing, 40094 invalid url,
// 40088 no such jobid, 40063 a parameter is empty, 41059/41060 moment_id missing/invalid.

const MSGTYPES: readonly unknown[] = ['image', 'video', 'link'];

/** add_moment_task: the body judged as WeCom does, then a task started for `corpId`. */
export function addMomentTask(
  json: JsonObject,
  corpId: string,
  media: MediaRegistry,
  tasks: MomentTasks,
): WecomAnswer {
  const content = momentContentOf(json, corpId, media);
  if ('errcode' in content) return content;
  return { errcode: 0, jobid: tasks.create(corpId, content) };
}

/** get_moment_task_result: GET, with the jobid in the query. */
export function getMomentTaskResult(
  query: Record<string, string>,
  corpId: string,
  tasks: MomentTasks,
): WecomAnswer {
  if (!query.jobid) return { errcode: 40063 };
  return tasks.poll(query.jobid, corpId);
}

/** cancel_moment_task: `{ moment_id }`. */
export function cancelMomentTask(
  json: JsonObject,
  corpId: string,
  tasks: MomentTasks,
): WecomAnswer {
  const momentId = json.moment_id;
  if (momentId === undefined || momentId === '') return { errcode: 41059 };
  if (!isString(momentId)) return { errcode: 41060 };
  return { errcode: tasks.cancel(momentId, corpId) };
}

/** What the body asks to publish, or WeCom's refusal, in the order the fields are listed. */
function momentContentOf(
  json: JsonObject,
  corpId: string,
  media: MediaRegistry,
): MomentContent | WecomAnswer {
  let text: string | undefined;
  if (json.text !== undefined) {
    const content = objectOf(json.text)?.content;
    if (!objectOf(json.text) || (content !== undefined && !isString(content)))
      return { errcode: 40058 };
    text = content;
    if (
      text !== undefined &&
      (charsOf(text) > MOMENT_RULES.textChars || bytesOf(text) > MOMENT_RULES.textBytes)
    )
      return { errcode: 40058, errmsg: 'invalid text size' };
  }
  const raw = json.attachments ?? [];
  if (!Array.isArray(raw)) return { errcode: 40058 };
  if (!text && raw.length === 0) return { errcode: 44004 }; // "不能与附件同时为空"
  const items = raw.map(objectOf);
  if (items.some((item) => !item || !MSGTYPES.includes(item.msgtype))) return { errcode: 40008 };
  const kinds = new Set(items.map((item) => item?.msgtype));
  if (kinds.size > 1) return { errcode: 41065 };
  if (raw.length > (kinds.has('image') ? MOMENT_RULES.images : 1)) return { errcode: 41064 };
  const attachments: EmulatorMomentAttachment[] = [];
  for (const item of items as JsonObject[]) {
    const attachment = attachmentOf(item, corpId, media);
    if ('errcode' in attachment) return attachment;
    attachments.push(attachment);
  }
  const visibleRange = visibleRangeOf(json.visible_range);
  if (visibleRange === 'invalid') return { errcode: 40058 };
  return { text, attachments, visibleRange };
}

/** One attachment, its media_id checked against what this corp uploaded for moments (1). */
function attachmentOf(
  item: JsonObject,
  corpId: string,
  media: MediaRegistry,
): EmulatorMomentAttachment | WecomAnswer {
  const msgtype = item.msgtype as 'image' | 'video' | 'link';
  const body = objectOf(item[msgtype]) ?? {};
  const mediaId = body.media_id as string;
  if (msgtype === 'link') {
    const { url, title } = body;
    if (url === undefined || url === '') return { errcode: 41010 };
    if (!isString(url) || !isHttpUrl(url)) return { errcode: 40094 };
    if (
      title !== undefined &&
      (!isString(title) ||
        charsOf(title) > MOMENT_RULES.linkTitleChars ||
        bytesOf(title) > MOMENT_RULES.linkTitleBytes)
    )
      return { errcode: 40058 };
    // The cover: an image uploaded for moments; required on the page, though SDKs omit it.
    const refused = media.refusal(mediaId, corpId, { attachmentType: '1', mediaType: 'image' });
    if (refused !== undefined) return { errcode: refused };
    return { msgtype, link: { ...(title === undefined ? {} : { title }), url, media_id: mediaId } };
  }
  const refused = media.refusal(mediaId, corpId, { attachmentType: '1', mediaType: msgtype });
  // The page: a video without media_id is answered 'invalid msg'.
  if (refused === 41006 && msgtype === 'video') return { errcode: 41006, errmsg: 'invalid msg' };
  if (refused !== undefined) return { errcode: refused };
  return msgtype === 'image'
    ? { msgtype, image: { media_id: mediaId } }
    : { msgtype, video: { media_id: mediaId } };
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** `visible_range` copied field by field, or 'invalid' when a field has the wrong shape. */
function visibleRangeOf(value: unknown): EmulatorVisibleRange | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const range = objectOf(value);
  if (!range) return 'invalid';
  const out: { -readonly [K in keyof EmulatorVisibleRange]: EmulatorVisibleRange[K] } = {};
  if (range.sender_list !== undefined) {
    const senders = objectOf(range.sender_list);
    const users = senders?.user_list;
    const departments = senders?.department_list;
    if (
      !senders ||
      (users !== undefined &&
        (!isArrayOf(users, isString) || users.length > MOMENT_RULES.senders)) ||
      (departments !== undefined && !isArrayOf(departments, isInteger))
    )
      return 'invalid';
    out.sender_list = {
      ...(users === undefined ? {} : { user_list: [...users] }),
      ...(departments === undefined ? {} : { department_list: [...departments] }),
    };
  }
  if (range.external_contact_list !== undefined) {
    const tags = objectOf(range.external_contact_list)?.tag_list;
    if (
      !objectOf(range.external_contact_list) ||
      (tags !== undefined && !isArrayOf(tags, isString))
    )
      return 'invalid';
    out.external_contact_list = tags === undefined ? {} : { tag_list: [...tags] };
  }
  return out;
}
