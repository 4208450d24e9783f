import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WecomInvalidCredentialsError } from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { LogCapture } from '../helpers/log-capture.js';

// The start-up is one provider: verify first, warm after. A boot that fails verifying must not be
// followed by a background warm-up that fails too and says so.
describe('start-up: verifyCredentials and warmUp together', () => {
  const s = emulatorSuite({ app: false });
  afterEach(() => vi.restoreAllMocks());

  it('a wrong secret fails the boot, and no "warm-up failed" line is ever logged', async () => {
    // A failed boot hands back no app, and so no log of its own: read every capture's warnings.
    const warn = vi.spyOn(LogCapture.prototype, 'warn');
    const error = await bootApp(s.emulator, {
      corpSecret: 'a-wrong-secret',
      verifyCredentials: true,
      warmUp: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    // Long enough for a warm-up to ask (the cool-down answers it without a call) and to log.
    await sleep(300);
    const warnings = warn.mock.calls.map(([message]) => String(message));
    expect(warnings.filter((w) => w.includes('warm-up failed'))).toEqual([]);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('with the right secret, the warm-up runs after verifying and fetches no second token', async () => {
    const t = await bootApp(s.emulator, { verifyCredentials: true, warmUp: true });
    try {
      await vi.waitFor(() => expect(s.emulator.gettokenCalls).toBe(1));
      await sleep(100);
      expect(s.emulator.gettokenCalls).toBe(1);
      expect(t.logs.text).not.toContain('warm-up failed');
    } finally {
      await t.close();
    }
  });
});
