// The WeCom emulator in its own process, so its buffering never counts against a variant's RSS.
import { WecomEmulator } from 'nestjs-wecom-media/testing';
import { serve } from './ipc.mjs';

const emulator = await WecomEmulator.start({ hashUploads: false });
serve(
  ({ cmd }) => {
    if (cmd === 'stats') {
      const stats = { gettoken: emulator.gettokenCalls, uploads: emulator.uploads.length };
      emulator.requests.length = 0; // keep the record small over a long run
      return stats;
    }
    throw new Error(`unknown command ${cmd}`);
  },
  { url: emulator.url, corpId: emulator.corpId, corpSecret: emulator.corpSecret },
);
