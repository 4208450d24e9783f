import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachmentType, MediaType, WecomNetworkError } from '../../lib/index.js';
import { ConnectProxy } from '../helpers/connect-proxy.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { testCa, testServerTls } from '../helpers/test-tls.js';

const moment = {
  file: makePng(64, 64),
  filename: 'a.png',
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
} as const;

describe('WeCom over HTTPS with a private CA (the emulator with tls)', () => {
  const s = emulatorSuite({ app: false, emulator: { tls: testServerTls() } });
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('ca: trusted besides Node’s roots', async () => {
    expect(s.emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const t = await bootApp(s.emulator, { ca: testCa() });
    apps.push(t);
    await t.service.upload(moment);
    await t.service.upload(moment);
    expect(s.emulator.uploads.map((u) => u.errcode)).toEqual([0, 0]);
  });

  it('without ca, TLS refuses the emulator: a network error naming the certificate problem', async () => {
    const t = await bootApp(s.emulator, {});
    apps.push(t);
    const error = await t.service.upload(moment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomNetworkError);
    expect((error as WecomNetworkError).code).toMatch(/CERT|SIGNATURE|ISSUER/);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('through a proxy: the CA holds for the TLS inside the tunnel, and idle tunnels are closed', async () => {
    const proxy = await ConnectProxy.start();
    try {
      const t = await bootApp(s.emulator, {
        ca: testCa(),
        proxy: proxy.url,
        idleConnectionTimeoutMs: 100,
      });
      apps.push(t);
      await t.service.upload(moment);
      expect(proxy.tunnels).toHaveLength(1);
      // The module closes the idle tunnel itself: the emulator would keep it for 5 s.
      await vi.waitFor(() => expect(proxy.openSockets).toBe(0), { timeout: 2_000, interval: 20 });
    } finally {
      await proxy.close();
    }
  });

  it('a ca that is no certificate fails the boot, naming the option', async () => {
    await expect(bootApp(s.emulator, { ca: 'not a certificate' })).rejects.toThrow(
      /ca is not a PEM certificate/,
    );
  });
});
