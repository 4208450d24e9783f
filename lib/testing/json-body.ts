// Reading the JSON bodies of WeCom's POST APIs: a body that is not a JSON object is a data format
// error (47001).

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
