/**
 * The largest size, aspect ratio kept, that fits `maxShort` × `maxLong` on its short and long
 * edges: what a moments image must be scaled down to. Exact integer arithmetic, so that the
 * advice itself passes the rule (4032 × 3024 → 1440 × 1080).
 */
export function fitWithin(
  width: number,
  height: number,
  maxShort: number,
  maxLong: number,
): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  // The tighter of the two limits, as a fraction num/den (≤ 1).
  let [num, den] = [1, 1];
  if (short > maxShort) [num, den] = [maxShort, short];
  if (long > maxLong && maxLong * den < num * long) [num, den] = [maxLong, long];
  return {
    width: Math.max(1, Math.floor((width * num) / den)),
    height: Math.max(1, Math.floor((height * num) / den)),
  };
}

/**
 * The ffmpeg line that trims a video under `seconds`. It re-encodes: a stream copy (`-c copy`)
 * cuts at packet boundaries and overshoots (31 s cut with `-t 30 -c copy` lasts 30.1–30.2 s), and
 * even a re-encode ends on a whole frame (30.03 s at 29.97 fps), hence 0.1 s to spare.
 */
export const trimCommand = (seconds: number): string =>
  `ffmpeg -i in.mp4 -t ${Math.max(0.1, Math.round((seconds - 0.1) * 10) / 10)} -c:v libx264 -c:a aac out.mp4`;

/** WeCom's page of global errcodes, for those without a next step of their own. */
export const ERRCODE_PAGE = 'https://developer.work.weixin.qq.com/document/path/90313';

/** The ffmpeg line that rewrites an MP4 with its length in a `moov` at the front. */
export const remuxCommand = 'ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4';

/** The ffmpeg line that makes a video smaller (H.264 at a higher CRF, AAC at 96 kbit/s). */
export const compressVideoCommand =
  'ffmpeg -i in.mp4 -c:v libx264 -crf 28 -preset slow -c:a aac -b:a 96k out.mp4';

/** The ffmpeg line that converts a video to H.264 MP4. */
export const toMp4Command = 'ffmpeg -i in.mov -c:v libx264 -c:a aac out.mp4';
