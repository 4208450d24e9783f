import type { RecordedRequest } from './recorded-request.interface.js';
import type { EmulatorApi } from './wecom-emulator-options.interface.js';
import { PUBLISHING_APIS } from './wecom-tables.js';

// The CLI's log: one line a request, what was called and what it got. Internal (the CLI's); it
// reads only what the record holds, so secrets stay masked.

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};

/** `3 image`, `1 link`: a body's attachments by kind. */
function attachmentsOf(json: Fields): string {
  const items = Array.isArray(json.attachments) ? json.attachments.map(fieldsOf) : [];
  if (items.length === 0) return 'no attachments';
  const kinds = [...new Set(items.map((i) => String(i.msgtype ?? i.type)))];
  return `${items.length} ${kinds.join('+')}`;
}

/** What a publishing call asked, in a few words. */
function askedOf(r: RecordedRequest): string {
  const json = fieldsOf(r.json);
  switch (r.api) {
    case 'add_moment_task': {
      const text = fieldsOf(json.text).content;
      const words = typeof text === 'string' ? `, text of ${[...text].length} chars` : '';
      return `${attachmentsOf(json)}${words}`;
    }
    case 'get_moment_task_result':
      return `jobid ${r.query.jobid ?? ''}`;
    case 'cancel_moment_task':
      return `moment_id ${String(json.moment_id ?? '')}`;
    case 'add_product_album':
      return `price ${String(json.price ?? '')}, ${attachmentsOf(json)}`;
    case 'get_product_album_list':
      return `limit ${String(json.limit ?? 'unset')}`;
    default:
      return `product_id ${String(json.product_id ?? '')}`;
  }
}

/** What a publishing call got beyond its errcode: the ids and statuses a user looks for. */
function gotOf(answer: Fields): string {
  const got: string[] = [];
  if (answer.jobid !== undefined) got.push(`jobid ${String(answer.jobid)}`);
  if (answer.status !== undefined) got.push(`status ${String(answer.status)}`);
  const result = fieldsOf(answer.result);
  if (result.errcode !== undefined && result.errcode !== 0)
    got.push(`result errcode ${String(result.errcode)}`);
  if (result.moment_id !== undefined) got.push(`moment_id ${String(result.moment_id)}`);
  if (answer.product_id !== undefined) got.push(`product_id ${String(answer.product_id)}`);
  if (Array.isArray(answer.product_list)) {
    got.push(`${answer.product_list.length} products`);
    if (answer.next_cursor) got.push(`next_cursor ${String(answer.next_cursor)}`);
  }
  return got.map((g) => `, ${g}`).join('');
}

/** One line for a request: `POST upload_attachment image/1 "a.png" (…) → errcode 0, media_id …`. */
export function describeRequest(r: RecordedRequest): string {
  const answer =
    r.closedByClient === true
      ? 'the client left'
      : r.errcode === undefined
        ? 'no answer'
        : `errcode ${r.errcode}`;
  if (PUBLISHING_APIS.has(r.api as EmulatorApi)) {
    const got = r.answer === undefined ? '' : gotOf(r.answer);
    return `${r.method} ${r.api} ${askedOf(r)} → ${answer}${got}`;
  }
  if (!r.upload) return `${r.method} ${r.api} → ${answer}`;
  const { filename, size, contentType } = r.upload;
  const what = `"${filename ?? ''}" (${size} bytes, ${contentType ?? 'no Content-Type'})`;
  return `${r.method} ${r.api} ${r.query.media_type ?? ''}/${r.query.attachment_type ?? ''} ${what} → ${answer}${r.mediaId ? `, media_id ${r.mediaId}` : ''}`;
}
