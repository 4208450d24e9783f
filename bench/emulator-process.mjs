// The WeCom emulator in its own process, so its buffering never counts against a variant's RSS.
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { serve } from './ipc.mjs';

const emulator = await WecomEmulator.start({ hashUploads: false });
// Counted here rather than from the record, which is trimmed.
let gettoken = 0;
let uploads = 0;
emulator.on('request', (r) => {
  if (r.api === 'gettoken') gettoken += 1;
  if (r.api === 'upload_attachment') uploads += 1;
});
serve(
  ({ cmd, faults }) => {
    if (cmd === 'stats') {
      const stats = { gettoken, uploads };
      gettoken = 0;
      uploads = 0;
      emulator.requests.length = 0; // keep the record small over a long run
      return stats;
    }
    if (cmd === 'faults') {
      emulator.setFaults(faults);
      return {};
    }
    if (cmd === 'issued-tokens') return [...emulator.issuedTokens];
    throw new Error(`unknown command ${cmd}`);
  },
  { url: emulator.url, corpId: emulator.corpId, corpSecret: emulator.corpSecret },
);
