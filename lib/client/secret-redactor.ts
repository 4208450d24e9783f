/**
 * How long a token is remembered after its last use: longer than WeCom's tokens live (2 h), so
 * that a token is never forgotten while an answer may still echo it.
 */
const TOKEN_MEMORY_MS = 3 * 60 * 60 * 1000;
const REPLACEMENT = '***';
/** What stands for a text that echoed a credential in a shape the exact patterns do not know. */
export const WITHHELD = '[withheld: it echoed a credential]';
/** Query parameters that carry secrets, for values the module never saw (a belt to the braces). */
const SECRET_PARAMS =
  /\b(access_token|corpsecret|suite_access_token|suite_secret|suite_ticket|permanent_code)=[^&\s"'<>]*/gi;
/** A run of letters and digits this long, from a credential, found in a text is its echo. */
const WINDOW = 12;

/**
 * Removes the secrets and tokens this module has used from any text (an errmsg, an error message,
 * a log line). First exactly, in the shapes upstreams echo them in — as is, percent-encoded (either
 * hex case, `+` for a space), JSON-escaped — whatever surrounds them. Then by construction: a text
 * that still holds a credential once decoded every way (HTML entities, repeated %-encoding, base64,
 * hex, case folded, with separators or invisible characters between its letters, or split) is
 * withheld whole.
 */
export class SecretRedactor {
  private readonly secrets = new Map<string, RegExp>();
  private readonly fixed = new Set<string>();
  private readonly rotating = new Map<string, string[]>();
  /** Each token with its pattern and when it was last used. */
  private readonly tokens = new Map<string, { pattern: RegExp; usedAt: number }>();
  private lastPrune = 0;

  /** @param now - the clock that ages tokens; tests may pass their own. */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Remembers a long-lived secret (an app secret, a permanent code) for the life of the module;
   * the same value twice is one entry.
   */
  addSecret(value: string): void {
    if (value === '') return;
    this.fixed.add(value);
    if (!this.secrets.has(value)) this.secrets.set(value, anyEncoding(value));
  }

  /**
   * Remembers the latest value of a credential that rotates (the suite ticket, every 10 min):
   * only the last `keep` values of `slot` are kept, so that the list does not grow for ever.
   */
  addRotating(slot: string, value: string, keep = 2): void {
    if (value === '') return;
    const values = this.rotating.get(slot) ?? [];
    if (values.at(-1) === value) return;
    values.push(value);
    this.rotating.set(slot, values);
    if (!this.secrets.has(value)) this.secrets.set(value, anyEncoding(value));
    while (values.length > keep) {
      const old = values.shift() ?? '';
      if (!values.includes(old) && !this.fixed.has(old)) this.secrets.delete(old);
    }
  }

  /**
   * Remembers an access token as it is used: it is kept while in use and for longer than a token
   * lives after its last use, however many corps' tokens are in use at once.
   */
  addToken(value: string): void {
    if (value === '') return;
    const now = this.now();
    const known = this.tokens.get(value);
    if (known) known.usedAt = now;
    else this.tokens.set(value, { pattern: anyEncoding(value), usedAt: now });
    // Now and then, not on every call: forgetting is for memory, never urgent.
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [token, { usedAt }] of this.tokens) {
      if (now - usedAt > TOKEN_MEMORY_MS) this.tokens.delete(token);
    }
  }

  /** `text` with every known credential masked, or {@link WITHHELD} when one hides in it. */
  redact(text: string): string {
    let out = text.replace(SECRET_PARAMS, `$1=${REPLACEMENT}`);
    const all = [...this.secrets.keys(), ...this.tokens.keys()];
    for (const pattern of [
      ...this.secrets.values(),
      ...[...this.tokens.values()].map((t) => t.pattern),
    ]) {
      out = out.replace(pattern, REPLACEMENT);
    }
    return echoesAny(out, all) ? WITHHELD : out;
  }
}

/**
 * True when `text`, decoded every way, still holds one of `values`: a short one whole, a long one
 * by any run of 2 × WINDOW of its letters (so an echo split in two is caught by either half).
 */
function echoesAny(text: string, values: readonly string[]): boolean {
  const keys = values.map(fold).filter((key) => key.length >= 6);
  if (keys.length === 0) return false;
  const readings = decodings(text).map(fold);
  // Every WINDOW-long run of the readings, once: each key then costs a few look-ups.
  const runs = new Set<string>();
  for (const reading of readings) {
    for (let at = 0; at + WINDOW <= reading.length; at += 1)
      runs.add(reading.slice(at, at + WINDOW));
  }
  return keys.some((key) => {
    if (key.length < 2 * WINDOW) return readings.some((reading) => reading.includes(key));
    // A run of 2 × WINDOW of the key holds one of its WINDOW-long runs at a multiple of WINDOW.
    for (let at = 0; at + WINDOW <= key.length; at += WINDOW) {
      if (runs.has(key.slice(at, at + WINDOW))) return true;
    }
    return false;
  });
}

/** Letters and digits only, case folded: what is left of a value whatever is put between them. */
const fold = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * `text` read every way an upstream may have encoded it: HTML entities, %-encoding (repeated),
 * JSON escapes and invisible characters undone until nothing changes, then each base64 or hex run
 * in it decoded too.
 */
function decodings(text: string): string[] {
  let plain = text;
  for (let round = 0; round < 5; round++) {
    const next = undoEscapes(plain);
    if (next === plain) break;
    plain = next;
  }
  const out = [plain];
  for (const run of plain.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    out.push(Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
  }
  for (const run of plain.match(/[0-9a-f]{16,}/gi) ?? []) {
    // The run may start a character early (a hex letter of the word before): both alignments.
    out.push(Buffer.from(run, 'hex').toString('latin1'));
    out.push(Buffer.from(run.slice(1), 'hex').toString('latin1'));
  }
  return out;
}

/** One round of undoing escapes: HTML entities, %XX, \uXXXX, and invisible format characters. */
function undoEscapes(text: string): string {
  return text
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_, h: string) => fromCode(parseInt(h, 16)))
    .replace(/&#(\d{1,7});?/g, (_, d: string) => fromCode(parseInt(d, 10)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, n: string) => ENTITIES[n] ?? '')
    .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => fromCode(parseInt(h, 16)))
    .replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
      return bytes.toString('utf8');
    })
    .replace(/\p{Cf}/gu, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const fromCode = (code: number): string => (code <= 0x10ffff ? String.fromCodePoint(code) : '');

/** A pattern matching `value` with each character literal, percent-encoded or JSON-escaped. */
function anyEncoding(value: string): RegExp {
  let source = '';
  for (const char of value) {
    const forms = [escapeRegExp(char), percentForm(char)];
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0xffff) forms.push(`\\\\u${caseless(code.toString(16).padStart(4, '0'))}`);
    if (char === ' ') forms.push('\\+');
    source += `(?:${forms.join('|')})`;
  }
  return new RegExp(source, 'g');
}

/** `%E6%98%A5` for 春, matching either hex case. */
function percentForm(char: string): string {
  return [...Buffer.from(char, 'utf8')]
    .map((byte) => `%${caseless(byte.toString(16).padStart(2, '0'))}`)
    .join('');
}

const caseless = (hex: string): string =>
  [...hex].map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join('');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
