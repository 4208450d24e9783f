import type { RecordedRequest } from './recorded-request.interface.js';

// The CLI's log: one line a request, what was called and what it got. Internal (the CLI's); it
// reads only what the record holds, so secrets stay masked.

/** One line for a request: `POST upload_attachment image/1 "a.png" (…) → errcode 0, media_id …`. */
export function describeRequest(r: RecordedRequest): string {
  const answer =
    r.closedByClient === true
      ? 'the client left'
      : r.errcode === undefined
        ? 'no answer'
        : `errcode ${r.errcode}`;
  if (!r.upload) return `${r.method} ${r.api} → ${answer}`;
  const { filename, size, contentType } = r.upload;
  const what = `"${filename ?? ''}" (${size} bytes, ${contentType ?? 'no Content-Type'})`;
  return `${r.method} ${r.api} ${r.query.media_type ?? ''}/${r.query.attachment_type ?? ''} ${what} → ${answer}${r.mediaId ? `, media_id ${r.mediaId}` : ''}`;
}
