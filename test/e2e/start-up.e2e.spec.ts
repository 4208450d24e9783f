import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomInvalidCredentialsError,
  type AccessTokenProvider,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(16, 16);

describe('verifyCredentials: a wrong secret fails the boot, not the first upload', () => {
  const s = emulatorSuite({ app: false });

  it('fails the boot with WecomInvalidCredentialsError, without quoting the secret', async () => {
    const error = await bootApp(s.emulator, {
      corpSecret: 'a-wrong-secret',
      verifyCredentials: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    expect(error).toMatchObject({ errcode: 40001, api: '/cgi-bin/gettoken' });
    expect((error as Error).message).not.toContain('a-wrong-secret');
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('boots with the right secret, and the first upload uses the token fetched at boot', async () => {
    const t = await bootApp(s.emulator, { verifyCredentials: true });
    try {
      expect(s.emulator.gettokenCalls).toBe(1);
      expect(t.logs.text).toContain('verified the credentials of corp');
      await t.service.upload({
        file: png,
        filename: 'a.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
      expect(s.emulator.gettokenCalls).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('asks a custom tokenProvider too', async () => {
    let asked = 0;
    const provider: AccessTokenProvider = {
      getToken: () => {
        asked += 1;
        return Promise.reject(
          new WecomInvalidCredentialsError(40001, 'invalid credential', 'x', 1),
        );
      },
      invalidate: () => Promise.resolve(),
    };
    const error = await bootApp(s.emulator, {
      tokenProvider: provider,
      verifyCredentials: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    expect(asked).toBe(1);
  });

  it('off by default: a wrong secret boots, and nothing is asked of WeCom', async () => {
    const t = await bootApp(s.emulator, { corpSecret: 'a-wrong-secret' });
    await t.close();
    expect(s.emulator.gettokenCalls).toBe(0);
  });
});

describe('start-up: whatever keeps the module from a token fails the boot, and says so', () => {
  const s = emulatorSuite({ app: false });

  it('verifyCredentials: a refusal other than a wrong secret (60020, the trusted IPs) fails the boot too', async () => {
    s.emulator.failNext('gettoken', 60020);
    const error = await bootApp(s.emulator, { verifyCredentials: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 60020, api: '/cgi-bin/gettoken' });
    expect((error as Error).message).toContain('trusted IPs');
  });
});

describe('start-up: a shared store that never answers', () => {
  const s = emulatorSuite({ app: false });

  it('is waited for storeTimeoutMs, then named in one warning for the whole wait', async () => {
    const silent = {
      get: () => new Promise<undefined>(() => undefined),
      set: () => new Promise<void>(() => undefined),
      delete: () => new Promise<void>(() => undefined),
      compareAndDelete: () => new Promise<boolean>(() => undefined),
      acquireLock: () => new Promise<boolean>(() => undefined),
    };
    const t = await bootApp(s.emulator, { store: silent, storeTimeoutMs: 150 });
    try {
      const warnings = t.logs.lines.filter((l) => l.includes('the shared store failed'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('no answer within 150 ms at start-up');
    } finally {
      await t.close();
    }
  });
});
