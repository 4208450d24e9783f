// Runs the README's quick start, compiled by the README test, against the emulator, as a user
// would: its main.js in a process of its own, with the variables `npx wecom-emulator` prints and a
// photo named on the command line. Prints a JSON line: what main.js printed, what WeCom received.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { makePng } from '../helpers/media-bytes.mjs';

const run = promisify(execFile);
const [main] = process.argv.slice(2);
if (!main) throw new Error('usage: run-quick-start.mjs <compiled main.js of the quick start>');
const emulator = await WecomEmulator.start();
const dir = await mkdtemp(join(tmpdir(), 'quick-start-'));
try {
  const photo = join(dir, '春季新品.png');
  await writeFile(photo, makePng(800, 600));
  const { stdout } = await run(process.execPath, [main, photo], {
    env: {
      ...process.env,
      WECOM_BASE_URL: emulator.url,
      WECOM_CORP_ID: emulator.corpId,
      WECOM_CORP_SECRET: emulator.corpSecret,
    },
    timeout: 30_000,
  });
  const [upload] = emulator.uploads;
  console.log(
    JSON.stringify({
      printed: stdout.trim().split('\n').at(-1),
      uploaded: upload?.mediaId,
      attachmentType: upload?.query.attachment_type,
      filename: upload?.upload?.filename,
    }),
  );
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
