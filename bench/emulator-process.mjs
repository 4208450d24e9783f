// The WeCom emulator in its own process, so its buffering never counts against a variant's RSS.
// `--tls`: over HTTPS, with the test certificate of test/fixtures/tls (for tests only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { serve } from './ipc.mjs';

/**
 * What the emulator process takes.
 * @typedef {{ cmd: 'stats' }
 *   | { cmd: 'faults', faults: import('nestjs-wecom-media/testing').EmulatorFaults }
 *   | { cmd: 'issued-tokens' }
 *   | { cmd: 'moment-times' }
 *   | { cmd: 'delay', ms: number }} EmulatorCommand
 */

/**
 * The answer to `stats`: requests since the last `stats`.
 * @typedef {object} EmulatorStats
 * @property {number} gettoken
 * @property {number} uploads
 */

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'tls');
const tls = process.argv.includes('--tls')
  ? {
      key: readFileSync(join(fixtures, 'server.key')),
      cert: readFileSync(join(fixtures, 'server.crt')),
    }
  : undefined;
const emulator = await WecomEmulator.start({ hashUploads: false, tls });
// Counted here rather than from the record, which is trimmed.
let gettoken = 0;
let uploads = 0;
/** When each add_moment_task was answered, epoch ms (comparable across processes). */
let momentTimes = /** @type {number[]} */ ([]);
emulator.on('request', (r) => {
  if (r.api === 'gettoken') gettoken += 1;
  if (r.api === 'upload_attachment') uploads += 1;
  if (r.api === 'add_moment_task') momentTimes.push(performance.timeOrigin + performance.now());
});
/** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */
const hello = { url: emulator.url, corpId: emulator.corpId, corpSecret: emulator.corpSecret };
serve(
  /** @param {EmulatorCommand} message */
  (message) => {
    switch (message.cmd) {
      case 'stats': {
        /** @type {EmulatorStats} */
        const stats = { gettoken, uploads };
        gettoken = 0;
        uploads = 0;
        emulator.requests.length = 0; // keep the record small over a long run
        return stats;
      }
      case 'faults':
        emulator.setFaults(message.faults);
        return {};
      case 'issued-tokens':
        return [...emulator.issuedTokens];
      case 'delay':
        emulator.setDelay(message.ms);
        return {};
      case 'moment-times': {
        const times = momentTimes;
        momentTimes = [];
        return times;
      }
      default:
        throw new Error(`unknown command ${/** @type {{ cmd: string }} */ (message).cmd}`);
    }
  },
  hello,
);
