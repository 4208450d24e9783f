// Reading the JSON bodies of WeCom's POST APIs, as loosely as WeCom itself: a body that is not a
// JSON object is a data format error (47001), and a field of the wrong type counts as wrong.

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** `value` when it is a JSON object (not an array), else undefined. */
export function objectOf(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** The body parsed, when it is a JSON object; undefined otherwise. */
export function jsonOf(body: Buffer): JsonObject | undefined {
  try {
    return objectOf(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Characters as WeCom counts them (字): code points, so that an emoji is one. */
export const charsOf = (text: string): number => [...text].length;

/** The UTF-8 bytes of `text`. */
export const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/** True for an array whose every item passes `is`. */
export function isArrayOf<T>(value: unknown, is: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(is);
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isInteger = (value: unknown): value is number => Number.isInteger(value);
