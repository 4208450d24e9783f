import { afterEach, describe, expect, it } from 'vitest';
import { StartUp } from '../../lib/token/start-up.js';
import {
  AttachmentType,
  MediaType,
  MemoryStore,
  WecomAbortedError,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import { WecomHttpClient } from '../../lib/client/wecom-http.client.js';
import {
  bootApp,
  type EmulatorAppOptions,
  emulatorSuite,
  type TestApp,
} from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { startTcpRelay, type TcpRelay } from '../helpers/tcp-relay.js';

const png = makePng(640, 480);
const upload = { file: png, filename: 'a.png', mediaType: MediaType.Image } as const;
const moment = { ...upload, attachmentType: AttachmentType.Moment };

describe('warmUp: the token and a connection ready before the first upload', () => {
  const s = emulatorSuite({ app: false });
  const opened: Array<TestApp | TcpRelay> = [];
  afterEach(async () => {
    for (const thing of opened.splice(0).toReversed()) await thing.close();
  });

  /** A relay in front of the emulator, and an app booted through it with warm-up on. */
  const bootThroughRelay = async (options: EmulatorAppOptions = {}) => {
    const relay = await startTcpRelay(s.emulator.url);
    opened.push(relay);
    const t = await bootApp(s.emulator, { warmUp: true, baseUrl: relay.url, ...options });
    opened.push(t);
    return { relay, t, warmer: t.app.get(StartUp) };
  };

  it('fetches the token at boot; the first upload then needs no gettoken and no new connection', async () => {
    const { relay, t, warmer } = await bootThroughRelay();
    await warmer.done;
    expect(s.emulator.gettokenCalls).toBe(1);
    expect(relay.opened).toBe(1);

    await t.service.upload(moment);
    expect(s.emulator.gettokenCalls).toBe(1);
    expect(relay.opened).toBe(1);
    expect(s.emulator.uploads).toHaveLength(1);
  });

  it('with warmUp: false the first upload fetches the token itself', async () => {
    const { t } = await bootThroughRelay({ warmUp: false });
    await t.app.get(StartUp).done;
    expect(s.emulator.gettokenCalls).toBe(0);
    await t.service.upload(moment);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('a token another replica stored: no gettoken, but a connection is opened all the same', async () => {
    const store = new MemoryStore();
    const first = await bootThroughRelay({ store });
    await first.warmer.done;
    const second = await bootThroughRelay({ store });
    await second.warmer.done;
    expect(s.emulator.gettokenCalls).toBe(1);
    expect(second.relay.opened).toBe(1);

    await second.t.service.upload(moment);
    expect(second.relay.opened).toBe(1);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('never delays the boot: the app is up while WeCom has not answered yet', async () => {
    const relay = await startTcpRelay(s.emulator.url);
    opened.push(relay);
    relay.hold();
    // Resolves only if the boot does not wait for the warm-up, which cannot finish while held.
    const t = await bootApp(s.emulator, { warmUp: true, baseUrl: relay.url });
    opened.push(t);
    await relay.openedCount(1);
    let warmed = false;
    const done = t.app.get(StartUp).done.then(() => {
      warmed = true;
    });
    await Promise.resolve();
    expect(warmed).toBe(false);
    relay.release();
    await done;
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('a refused secret: the boot succeeds, one warning says why without the secret, uploads fail fast', async () => {
    const secret = 'a-wrong-secret-9f8e7d';
    const { t, warmer } = await bootThroughRelay({ corpSecret: secret });
    await warmer.done;
    const warnings = t.logs.lines.filter((l) => l.includes('warm-up failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('WecomInvalidCredentialsError');
    expect(warnings[0]).toContain('40001');
    expect(t.logs.text).not.toContain(secret);

    const error = await t.service.upload(moment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    expect((error as WecomInvalidCredentialsError).cached).toBe(true);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('WeCom unreachable: the boot succeeds with one warning naming the connection error', async () => {
    const relay = await startTcpRelay(s.emulator.url);
    const dead = relay.url;
    await relay.close(); // nothing listens there any more
    const t = await bootApp(s.emulator, { warmUp: true, baseUrl: dead, timeoutMs: 5_000 });
    opened.push(t);
    await t.app.get(StartUp).done;
    const warnings = t.logs.lines.filter((l) => l.includes('warm-up failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ECONNREFUSED');
  });

  it('a shutdown during the warm-up ends it quietly, and nothing is sent after it', async () => {
    const relay = await startTcpRelay(s.emulator.url);
    opened.push(relay);
    relay.hold();
    const t = await bootApp(s.emulator, { warmUp: true, baseUrl: relay.url });
    await relay.openedCount(1);
    const client = t.app.get(WecomHttpClient);
    await t.close();
    expect(t.logs.text).not.toContain('warm-up failed');
    // The token fetch the warm-up left behind cannot retry, nor can anything else call WeCom.
    const late = await client
      .request({ api: '/cgi-bin/gettoken', method: 'GET', query: {} })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WecomAbortedError);
    relay.release();
    expect(s.emulator.requests).toHaveLength(0);
  });

  it("a token provider of the app's that never answers does not hold the shutdown up", async () => {
    const t = await bootApp(s.emulator, {
      warmUp: true,
      tokenProvider: {
        getToken: () => new Promise<string>(() => undefined),
        invalidate: async () => undefined,
      },
    });
    await t.close(); // resolves: the test would time out otherwise
    expect(t.logs.text).not.toContain('warm-up failed');
  });

  it("a token provider's failure is named by its kind, never by its words", async () => {
    const t = await bootApp(s.emulator, {
      warmUp: true,
      tokenProvider: {
        getToken: () => Promise.reject(new TypeError('vault answered access_token=LEAKED123')),
        invalidate: async () => undefined,
      },
    });
    opened.push(t);
    await t.app.get(StartUp).done;
    const warnings = t.logs.lines.filter((l) => l.includes('warm-up failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the token provider failed with TypeError');
    expect(t.logs.text).not.toContain('LEAKED123');
  });

  it('with verifyCredentials, a refused secret fails the boot after one gettoken, not two', async () => {
    const logs = await bootApp(s.emulator, {
      warmUp: true,
      verifyCredentials: true,
      corpSecret: 'wrong-secret-for-both',
    }).catch((e: unknown) => e);
    expect(logs).toBeInstanceOf(WecomInvalidCredentialsError);
    expect(s.emulator.gettokenCalls).toBe(1);
  });
});

describe('idleConnectionTimeoutMs', () => {
  const s = emulatorSuite({ app: false });
  const opened: Array<TestApp | TcpRelay> = [];
  afterEach(async () => {
    for (const thing of opened.splice(0).toReversed()) await thing.close();
  });

  it('closes a pooled connection once it has been idle that long', async () => {
    const relay = await startTcpRelay(s.emulator.url);
    opened.push(relay);
    const t = await bootApp(s.emulator, { baseUrl: relay.url, idleConnectionTimeoutMs: 100 });
    opened.push(t);
    await t.service.upload(moment);
    expect(relay.opened).toBe(1); // gettoken, then the upload, on one kept-alive connection
    // The module closes it (the emulator would keep it 5 s), before any server could.
    await relay.closedByClientCount(1);
    // The next upload opens a fresh connection.
    await t.service.upload(moment);
    expect(relay.opened).toBe(2);
    expect(s.emulator.uploads.map((u) => u.errcode)).toEqual([0, 0]);
  });

  it('never cuts short a call that takes longer than the idle timeout', async () => {
    const t = await bootApp(s.emulator, { idleConnectionTimeoutMs: 50 });
    opened.push(t);
    s.emulator.setDelay(300);
    const result = await t.service.upload(moment);
    expect(result.mediaId).toBeTruthy();
  });
});
