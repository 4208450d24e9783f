import { createServer } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomNetworkError,
  WecomProtocolError,
} from '../../lib/index.js';
import { ConnectProxy } from '../helpers/connect-proxy.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(16, 16);

describe('reaching WeCom through a proxy (a fixed egress IP)', () => {
  const s = emulatorSuite({ app: false });
  let proxy: ConnectProxy;
  const saved = { ...process.env };
  beforeAll(async () => {
    proxy = await ConnectProxy.start();
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    proxy.tunnels.length = 0;
    for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'no_proxy']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  async function uploadWith(t: TestApp): Promise<void> {
    try {
      const result = await t.service.upload({
        file: png,
        filename: 'a.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
      expect(result.mediaId).toBe(s.emulator.uploads.at(-1)?.mediaId);
    } finally {
      await t.close();
    }
  }

  it('the proxy option: gettoken and the upload go through its tunnel, on one kept connection', async () => {
    const t = await bootApp(s.emulator, { proxy: proxy.url });
    expect(t.logs.text).toContain(`reaching WeCom through the proxy ${proxy.url}`);
    await uploadWith(t);
    const target = new URL(s.emulator.url).host;
    expect(proxy.tunnels).toEqual([target]); // kept alive: one tunnel for both calls
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it("HTTP_PROXY from the environment, unless NO_PROXY names WeCom's host", async () => {
    process.env.HTTP_PROXY = proxy.url;
    await uploadWith(await bootApp(s.emulator));
    expect(proxy.tunnels).toHaveLength(1);
    process.env.NO_PROXY = '127.0.0.1';
    await uploadWith(await bootApp(s.emulator));
    expect(proxy.tunnels).toHaveLength(1); // the second app went direct
  });

  it('proxy: false goes direct whatever the environment says', async () => {
    process.env.HTTP_PROXY = proxy.url;
    await uploadWith(await bootApp(s.emulator, { proxy: false }));
    expect(proxy.tunnels).toEqual([]);
  });

  it('a proxy URL with credentials is never quoted, even in a refusal', async () => {
    const error = await bootApp(s.emulator, { proxy: 'socks5://user:pa55word@127.0.0.1:1' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/proxy must be false or an http:\/\/ URL/);
    expect((error as Error).message).not.toContain('pa55word');
  });

  it('a proxy that refuses the tunnel (407) is named as the one that answered, its credentials never', async () => {
    const refusing = createServer();
    refusing.on('connect', (_req, client: Socket) => {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
      );
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const t = await bootApp(s.emulator, { proxy: origin.replace('//', '//ops:pa55word@') });
    try {
      const error = await t.service
        .upload({ file: png, filename: 'a.png', mediaType: MediaType.Image, attachmentType: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomProtocolError);
      expect(error).toMatchObject({ status: 407, proxy: origin });
      expect((error as Error).message).toBe(
        `the proxy ${origin} answered HTTP 407 for WeCom /cgi-bin/gettoken with Proxy Authentication Required: check the credentials in the proxy URL`,
      );
      expect(JSON.stringify(t.logs.text)).not.toContain('pa55word');
    } finally {
      await t.close();
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it('a proxy that is down: the network error says it was the proxy', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((resolve) => dead.close(resolve));
    const t = await bootApp(s.emulator, { proxy: origin });
    try {
      const error = await t.service
        .upload({ file: png, filename: 'a.png', mediaType: MediaType.Image, attachmentType: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomNetworkError);
      expect((error as Error).message).toBe(
        `WeCom /cgi-bin/gettoken could not be reached through the proxy ${origin}: ECONNREFUSED`,
      );
    } finally {
      await t.close();
    }
  });
});
