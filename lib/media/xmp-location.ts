/**
 * What {@link removeXmpLocation} did to an XMP packet: the kinds of property it blanked, in
 * place; `'damaged'` when the packet is not XML it can walk to the end and must be dropped whole;
 * undefined when there was nothing to remove.
 */
export type XmpOutcome = ReadonlySet<'gps' | 'serial'> | 'damaged' | undefined;

type Kind = 'gps' | 'serial';

/** Local names of serial-number properties: aux:SerialNumber, exifEX:BodySerialNumber and kin. */
const SERIAL_NAMES = new Set(['serialnumber', 'bodyserialnumber', 'cameraserialnumber']);
const SPACE = 0x20;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const COLON = 0x3a;

/**
 * Blanks, with spaces of the same length, every XMP property that gives a position or a serial
 * number, as an element or as an attribute: `exif:GPSLatitude`, `exif:GPSLongitude` and every
 * other name whose local part starts with "GPS" (under any prefix, as prefixes are the file's
 * choice), and `aux:SerialNumber`, `exifEX:BodySerialNumber`. XMP allows the whitespace (XMP
 * Part 1, 7.3: packets are padded with it), so lengths stay the same.
 *
 * Walks the packet's markup to its end and refuses what it cannot walk: UTF-16 or UTF-32 text, a
 * DOCTYPE (whose entities could spell a property we would not see), unclosed or mismatched tags.
 * Names are compared as bytes, never made into strings: this runs on every photo sent.
 */
export function removeXmpLocation(bytes: Uint8Array): XmpOutcome {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const found = new Set<Kind>();
  const blank = (start: number, end: number, kind: Kind): void => {
    text.fill(SPACE, start, end);
    found.add(kind);
  };
  const open: { name: Name; start: number; kind: Kind | undefined }[] = [];
  for (let at = text.indexOf(LT); at >= 0;) {
    const markup = readMarkup(text, at);
    if (markup === undefined) return 'damaged';
    if (markup.type === 'quoted') {
      const kind = kindInText(text.toString('latin1', at, markup.end));
      if (kind !== undefined) blank(at, markup.end, kind);
    } else if (markup.type === 'end') {
      const element = open.pop();
      if (element === undefined || !sameName(text, element.name, markup.name)) return 'damaged';
      if (element.kind !== undefined) blank(element.start, markup.end, element.kind);
    } else {
      for (const attribute of markup.removed) blank(attribute.start, attribute.end, attribute.kind);
      const kind = kindOf(text, markup.name);
      if (markup.type === 'empty' && kind !== undefined) blank(at, markup.end, kind);
      if (markup.type === 'start') open.push({ name: markup.name, start: at, kind });
    }
    at = text.indexOf(LT, markup.end);
  }
  if (open.length > 0) return 'damaged';
  return found.size > 0 ? found : undefined;
}

/** A name's bytes: [start, end) of the packet. */
interface Name {
  start: number;
  end: number;
}

interface Removal extends Name {
  kind: Kind;
}

type Markup =
  | { type: 'quoted'; end: number }
  | { type: 'end'; name: Name; end: number }
  | { type: 'start'; name: Name; end: number; removed: Removal[] }
  | { type: 'empty'; name: Name; end: number; removed: Removal[] };

/** The markup that starts at `at` (a '<'), or undefined when it is not markup XMP may hold. */
function readMarkup(text: Buffer, at: number): Markup | undefined {
  const next = text[at + 1];
  // Processing instructions (<?xpacket …?>), comments and CDATA hold no properties, but may
  // quote them (a damaged "?>" makes one swallow the packet); <!DOCTYPE and kin XMP forbids.
  if (next === 0x3f) return delimited(text, at, '<?', '?>');
  if (next === 0x21) {
    return delimited(text, at, '<!--', '-->') ?? delimited(text, at, '<![CDATA[', ']]>');
  }
  if (next === SLASH) {
    const nameEnd = nameEndAt(text, at + 2);
    const close = skipSpace(text, nameEnd);
    if (nameEnd === at + 2 || text[close] !== GT) return undefined;
    return { type: 'end', name: { start: at + 2, end: nameEnd }, end: close + 1 };
  }
  return readStartTag(text, at);
}

function delimited(text: Buffer, at: number, opener: string, closer: string): Markup | undefined {
  if (text.toString('latin1', at, at + opener.length) !== opener) return undefined;
  const close = text.indexOf(closer, at + opener.length, 'latin1');
  return close < 0 ? undefined : { type: 'quoted', end: close + closer.length };
}

/** A start tag or an empty-element tag, and the attributes in it that must go. */
function readStartTag(text: Buffer, at: number): Markup | undefined {
  const name = { start: at + 1, end: nameEndAt(text, at + 1) };
  if (name.end === name.start) return undefined;
  const removed: Removal[] = [];
  for (let i = name.end; ;) {
    const spaceStart = i;
    i = skipSpace(text, i);
    if (text[i] === GT) return { type: 'start', name, end: i + 1, removed };
    if (text[i] === SLASH && text[i + 1] === GT)
      return { type: 'empty', name, end: i + 2, removed };
    const attribute = { start: i, end: nameEndAt(text, i) };
    if (i === spaceStart || attribute.end === i) return undefined;
    i = skipSpace(text, attribute.end);
    if (text[i] !== 0x3d) return undefined; // '='
    i = skipSpace(text, i + 1);
    const quote = text[i];
    if (quote !== 0x22 && quote !== 0x27) return undefined;
    const close = text.indexOf(quote, i + 1);
    if (close < 0) return undefined;
    i = close + 1;
    const kind = isNamespaceDeclaration(text, attribute) ? undefined : kindOf(text, attribute);
    if (kind !== undefined) removed.push({ start: spaceStart, end: i, kind });
  }
}

/** Whether a property name, prefix and all, gives a position or a serial number. */
function kindOf(text: Buffer, name: Name): Kind | undefined {
  let start = name.end;
  while (start > name.start && text[start - 1] !== COLON) start--;
  const length = name.end - start;
  // "gps" in any case: ASCII letters differ from their capitals by the 0x20 bit alone.
  const lower = (i: number): number => (text[start + i] ?? 0) | 0x20;
  if (length >= 3 && lower(0) === 0x67 && lower(1) === 0x70 && lower(2) === 0x73) return 'gps';
  if (length < 12 || length > 18) return undefined; // the serial names' lengths
  return SERIAL_NAMES.has(text.toString('latin1', start, name.end).toLowerCase())
    ? 'serial'
    : undefined;
}

/** `xmlns` or `xmlns:…`: a prefix's declaration, which must stay while the prefix is used. */
function isNamespaceDeclaration(text: Buffer, name: Name): boolean {
  if (text.toString('latin1', name.start, name.start + 5) !== 'xmlns') return false;
  return name.end === name.start + 5 || text[name.start + 5] === COLON;
}

/** Whether a comment, CDATA or instruction quotes such a property: a reader that mis-parses it would see one. */
function kindInText(text: string): Kind | undefined {
  if (/:gps/i.test(text)) return 'gps';
  return /serialnumber/i.test(text) ? 'serial' : undefined;
}

function sameName(text: Buffer, a: Name, b: Name): boolean {
  if (a.end - a.start !== b.end - b.start) return false;
  for (let i = 0; i < a.end - a.start; i++)
    if (text[a.start + i] !== text[b.start + i]) return false;
  return true;
}

/** XML name characters (ASCII letters, digits, '_', ':', '.', '-') and any byte of a UTF-8 sequence. */
function nameEndAt(text: Buffer, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text[i] ?? 0;
    const isName =
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === COLON ||
      c === 0x2e ||
      c === 0x2d ||
      c >= 0x80;
    if (!isName) break;
  }
  return i;
}

function skipSpace(text: Buffer, at: number): number {
  let i = at;
  while (text[i] === SPACE || text[i] === 0x09 || text[i] === 0x0a || text[i] === 0x0d) i++;
  return i;
}
