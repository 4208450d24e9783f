import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkAttachment } from '../../lib/rules/check-attachment.js';
import { DEFAULT_ATTACHMENT_RULES } from '../../lib/rules/attachment-rules.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { BufferReader } from '../../lib/media/byte-reader.js';
import { AttachmentType } from '../../lib/attachment-type.enum.js';
import { MediaType } from '../../lib/media-type.enum.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const run = promisify(execFile);
const FFMPEG = '/usr/bin/ffmpeg';
const hasFfmpeg = existsSync(FFMPEG);
if (!hasFfmpeg && process.env.CI === 'true') {
  throw new Error(
    `${FFMPEG} is missing: .ci/run installs Debian's ffmpeg, and CI never skips this`,
  );
}

/** The violations of a moments video, read from its bytes as the module reads them. */
async function violationsOf(path: string) {
  const bytes = await readFile(path);
  const media = await inspectMedia(new BufferReader(bytes));
  return checkAttachment(
    {
      mediaType: MediaType.Video,
      attachmentType: AttachmentType.Moment,
      size: bytes.length,
      filename: 'clip.mp4',
      media,
    },
    DEFAULT_ATTACHMENT_RULES,
  );
}

// The message's next step must work: run the very command it gives on real videos.
describe.skipIf(!hasFfmpeg)('the trim advice, run with a real ffmpeg', () => {
  const dir = scratchDir();

  for (const [what, input] of [
    [
      'H.264 at 30 fps with 44.1 kHz AAC',
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=30',
        '-f',
        'lavfi',
        '-i',
        'sine=sample_rate=44100',
      ],
    ],
    ['H.264 at 29.97 fps without sound', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=29.97']],
  ] as const) {
    it(`makes a 31 s video (${what}) pass`, async () => {
      const long = join(dir.path, 'in.mp4');
      await run(FFMPEG, [
        '-loglevel',
        'error',
        '-y',
        ...input,
        '-t',
        '31',
        '-c:v',
        'libx264',
        '-g',
        '250',
        '-shortest',
        long,
      ]);
      const [violation] = await violationsOf(long);
      expect(violation?.rule).toBe('moment-video-duration');
      const command = /\(e\.g\. (ffmpeg .*)\)$/.exec(violation?.message ?? '')?.[1];
      expect(command).toBeDefined();
      const args = (command ?? '')
        .split(' ')
        .slice(1)
        .map((a) => (a === 'in.mp4' ? long : a === 'out.mp4' ? join(dir.path, 'out.mp4') : a));
      await run(FFMPEG, ['-loglevel', 'error', '-y', ...args]);
      expect(await violationsOf(join(dir.path, 'out.mp4'))).toEqual([]);
    }, 60_000);
  }
});
