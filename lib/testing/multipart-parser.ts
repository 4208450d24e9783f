// The emulator's own multipart reader, written apart from the library's encoder so that it catches
// the encoder's mistakes. Internal: not exported from the package, tests import it by this path.

/**
 * One part of a multipart/form-data body, as the emulator sees it on the wire.
 * @internal
 */
export interface ParsedPart {
  /**
   * The Content-Disposition line's value, its bytes decoded as UTF-8 as WeCom reads them: a
   * Chinese filename shows as it is, not as latin1 mojibake.
   */
  disposition: string;
  /** Parameters of Content-Disposition; values are decoded as UTF-8. */
  params: Record<string, string>;
  /** The filename exactly as its bytes arrived. */
  filenameBytes?: Buffer;
  contentType?: string;
  content: Buffer;
}

/**
 * The boundary of a `multipart/form-data; boundary=…` Content-Type, or undefined.
 * @internal
 */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Parses a whole multipart body strictly: CRLF line ends, a closing delimiter, headers per part.
 * Returns why it is malformed instead of throwing.
 * @internal
 */
export function parseMultipart(body: Buffer, boundary: string): ParsedPart[] | string {
  const delimiter = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter))
    return 'body does not start with the boundary';
  const parts: ParsedPart[] = [];
  let cursor = delimiter.length;
  for (;;) {
    const after = body.subarray(cursor, cursor + 2).toString('latin1');
    if (after === '--') return parts; // closing delimiter
    if (after !== '\r\n') return 'boundary not followed by CRLF';
    const headerEnd = body.indexOf('\r\n\r\n', cursor + 2);
    if (headerEnd < 0) return 'part headers never end';
    const headers = body
      .subarray(cursor + 2, headerEnd)
      .toString('latin1')
      .split('\r\n');
    const contentStart = headerEnd + 4;
    const next = body.indexOf(separator, contentStart);
    if (next < 0) return 'no closing boundary';
    const part = parseHeaders(headers);
    if (typeof part === 'string') return part;
    parts.push({ ...part, content: body.subarray(contentStart, next) });
    cursor = next + separator.length;
  }
}

function parseHeaders(lines: string[]): Omit<ParsedPart, 'content'> | string {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed part header line ${JSON.stringify(line)}`;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined) return 'part without Content-Disposition';
  const params: Record<string, string> = {};
  let filenameBytes: Buffer | undefined;
  // name="value" or name=token, separated by ';'. Quoted values end at the next quote: WeCom
  // does not unescape, so neither do we.
  const param = /;\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g;
  for (let m = param.exec(disposition); m; m = param.exec(disposition)) {
    const key = (m[1] ?? '').toLowerCase();
    const raw = Buffer.from(m[2] ?? m[3] ?? '', 'latin1');
    params[key] = raw.toString('utf8');
    if (key === 'filename') filenameBytes = raw;
  }
  // Read as latin1 above, one char per byte, so that the filename's own bytes are kept; the line
  // itself is recorded as WeCom reads it: UTF-8.
  return {
    disposition: Buffer.from(disposition, 'latin1').toString('utf8'),
    params,
    filenameBytes,
    contentType,
  };
}
