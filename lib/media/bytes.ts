/** Big-endian readers over a byte array; the caller has checked the bounds. */
export const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);

/** 24 bits, as in the flags of an ISO BMFF full box. */
export const u24 = (b: Uint8Array, i: number): number =>
  ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);

export const u32 = (b: Uint8Array, i: number): number =>
  (((b[i] ?? 0) << 24) >>> 0) +
  (((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0));

export const u64 = (b: Uint8Array, i: number): bigint =>
  (BigInt(u32(b, i)) << 32n) | BigInt(u32(b, i + 4));

/** Four bytes as ASCII, e.g. a PNG chunk type or an MP4 box type. */
export const fourcc = (b: Uint8Array, i: number): string =>
  String.fromCharCode(b[i] ?? 0, b[i + 1] ?? 0, b[i + 2] ?? 0, b[i + 3] ?? 0);

/** True when `b` starts with `prefix` at `offset`. */
export function startsWith(b: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (b.length < offset + prefix.length) return false;
  return prefix.every((byte, i) => b[offset + i] === byte);
}
