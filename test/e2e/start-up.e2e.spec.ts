import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomInvalidCredentialsError,
  type AccessTokenProvider,
} from '../../lib/index.js';
import { emulatorSuite } from '../helpers/emulator-suite.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp } from '../helpers/testing-app.js';

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
