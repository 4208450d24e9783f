/** How many recent access tokens to remember: tokens live 2 h, so a handful covers every echo. */
const MAX_TOKENS = 32;
const REPLACEMENT = '***';
/** Query parameters that carry secrets, for values the module never saw (a belt to the braces). */
const SECRET_PARAMS =
  /\b(access_token|corpsecret|suite_access_token|suite_secret|suite_ticket|permanent_code)=[^&\s"'<>]*/gi;

/**
 * Removes the exact secrets and tokens this module has used from any text (an errmsg, an error
 * message, a log line) in every shape an upstream may echo them: as is, percent-encoded (either
 * hex case, `+` for a space) and JSON-escaped (`\uXXXX`), whatever surrounds them
 * (`access_token=T`, `access_token: T`, `"corpsecret":"S"`).
 */
export class SecretRedactor {
  private readonly secrets = new Map<string, RegExp>();
  private readonly fixed = new Set<string>();
  private readonly rotating = new Map<string, string[]>();
  private readonly tokens = new Map<string, RegExp>();

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

  /** Remembers an access token; the oldest of more than {@link MAX_TOKENS} is forgotten. */
  addToken(value: string): void {
    if (value === '' || this.tokens.has(value)) return;
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value ?? '');
    this.tokens.set(value, anyEncoding(value));
  }

  redact(text: string): string {
    let out = text.replace(SECRET_PARAMS, `$1=${REPLACEMENT}`);
    for (const pattern of [...this.secrets.values(), ...this.tokens.values()]) {
      out = out.replace(pattern, REPLACEMENT);
    }
    return out;
  }
}

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
