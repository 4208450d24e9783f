/**
 * What {@link removeXmpLocation} did to an XMP packet: the kinds of property it blanked, in
 * place; `'damaged'` when the packet is not XML it can walk to the end and must be dropped whole;
 * undefined when there was nothing to remove.
 */
export type XmpOutcome = ReadonlySet<'gps' | 'serial'> | 'damaged' | undefined;

/** Local names of serial-number properties: aux:SerialNumber, exifEX:BodySerialNumber and kin. */
const SERIAL_NAMES = new Set(['serialnumber', 'bodyserialnumber', 'cameraserialnumber']);
const SPACE = 0x20;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

/**
 * Blanks, with spaces of the same length, every XMP property that gives a position or a serial
 * number, as an element or as an attribute: `exif:GPSLatitude`, `exif:GPSLongitude` and every
 * other name whose local part starts with "GPS" (under any prefix, as prefixes are the file's
 * choice), and `aux:SerialNumber`, `exifEX:BodySerialNumber`. XMP allows the whitespace (XMP
 * Part 1, 7.3: packets are padded with it), so lengths stay the same.
 *
 * Walks the packet's markup to its end and refuses what it cannot walk: UTF-16 or UTF-32 text, a
 * DOCTYPE (whose entities could spell a property we would not see), unclosed or mismatched tags.
 */
export function removeXmpLocation(bytes: Uint8Array): XmpOutcome {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const found = new Set<'gps' | 'serial'>();
  const blank = (start: number, end: number, kind: 'gps' | 'serial'): void => {
    text.fill(SPACE, start, end);
    found.add(kind);
  };
  const open: { name: string; start: number; kind: 'gps' | 'serial' | undefined }[] = [];
  for (let at = text.indexOf(LT); at >= 0;) {
    const markup = readMarkup(text, at);
    if (markup === undefined) return 'damaged';
    if (markup.type === 'other') {
      const kind = kindInText(text.toString('latin1', at, markup.end));
      if (kind !== undefined) blank(at, markup.end, kind);
    } else if (markup.type === 'end') {
      const element = open.pop();
      if (element === undefined || element.name !== markup.name) return 'damaged';
      if (element.kind !== undefined) blank(element.start, markup.end, element.kind);
    } else {
      for (const attribute of markup.removed) blank(attribute.start, attribute.end, attribute.kind);
      const kind = kindOf(markup.name);
      if (markup.type === 'empty' && kind !== undefined) blank(at, markup.end, kind);
      if (markup.type === 'start') open.push({ name: markup.name, start: at, kind });
    }
    at = text.indexOf(LT, markup.end);
  }
  if (open.length > 0) return 'damaged';
  return found.size > 0 ? found : undefined;
}

interface Removal {
  start: number;
  end: number;
  kind: 'gps' | 'serial';
}

type Markup =
  | { type: 'other'; end: number }
  | { type: 'end'; name: string; end: number }
  | { type: 'start' | 'empty'; name: string; end: number; removed: Removal[] };

/** The markup that starts at `at` (a '<'), or undefined when it is not markup XMP may hold. */
function readMarkup(text: Buffer, at: number): Markup | undefined {
  // Comments, CDATA and processing instructions hold no properties, but may hold their text.
  for (const [opener, closer] of DELIMITED) {
    if (!startsWith(text, at, opener)) continue;
    const close = text.indexOf(closer, at + opener.length, 'latin1');
    return close < 0 ? undefined : { type: 'other', end: close + closer.length };
  }
  if (text[at + 1] === 0x21) return undefined; // <!DOCTYPE, <!ENTITY: XMP forbids them
  if (text[at + 1] === SLASH) {
    const nameEnd = nameEndAt(text, at + 2);
    const close = skipSpace(text, nameEnd);
    if (nameEnd === at + 2 || text[close] !== GT) return undefined;
    return { type: 'end', name: text.toString('latin1', at + 2, nameEnd), end: close + 1 };
  }
  return readStartTag(text, at);
}

const DELIMITED: readonly (readonly [string, string])[] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
];

/** A start tag or an empty-element tag, and the attributes in it that must go. */
function readStartTag(text: Buffer, at: number): Markup | undefined {
  const nameEnd = nameEndAt(text, at + 1);
  if (nameEnd === at + 1) return undefined;
  const name = text.toString('latin1', at + 1, nameEnd);
  const removed: Removal[] = [];
  for (let i = nameEnd; ;) {
    const spaceStart = i;
    i = skipSpace(text, i);
    if (text[i] === GT) return { type: 'start', name, end: i + 1, removed };
    if (text[i] === SLASH && text[i + 1] === GT)
      return { type: 'empty', name, end: i + 2, removed };
    const attributeEnd = nameEndAt(text, i);
    if (i === spaceStart || attributeEnd === i) return undefined;
    const attribute = text.toString('latin1', i, attributeEnd);
    i = skipSpace(text, attributeEnd);
    if (text[i] !== 0x3d) return undefined; // '='
    i = skipSpace(text, i + 1);
    const quote = text[i];
    if (quote !== 0x22 && quote !== 0x27) return undefined;
    const close = text.indexOf(quote, i + 1);
    if (close < 0) return undefined;
    i = close + 1;
    const kind =
      attribute === 'xmlns' || attribute.startsWith('xmlns:') ? undefined : kindOf(attribute);
    if (kind !== undefined) removed.push({ start: spaceStart, end: i, kind });
  }
}

/** Whether a property name, prefix and all, gives a position or a serial number. */
function kindOf(name: string): 'gps' | 'serial' | undefined {
  const local = name.slice(name.lastIndexOf(':') + 1).toLowerCase();
  if (local.startsWith('gps')) return 'gps';
  return SERIAL_NAMES.has(local) ? 'serial' : undefined;
}

/** Whether a comment or CDATA section quotes such a property; a readers that mis-parses it would see one. */
function kindInText(text: string): 'gps' | 'serial' | undefined {
  if (/:gps/i.test(text)) return 'gps';
  return /serialnumber/i.test(text) ? 'serial' : undefined;
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
      c === 0x3a ||
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

const startsWith = (text: Buffer, at: number, prefix: string): boolean =>
  text.toString('latin1', at, at + prefix.length) === prefix;
