import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { freePort } from '../helpers/redis-server.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { bootHealthApp } from './health-app.js';

const PROBES = 20; // a minute of probes from one replica

describe('the Terminus health check (nestjs-wecom-media/health), over HTTP', () => {
  const s = emulatorSuite({ app: false });
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(opened.splice(0).map((app) => app.close()));
  });
  const boot = async (over: Record<string, unknown> = {}) => {
    const app = await bootHealthApp({
      corpId: s.emulator.corpId,
      corpSecret: s.emulator.corpSecret,
      baseUrl: s.emulator.url,
      ...over,
    } as never);
    opened.push(app);
    return app;
  };

  it('is up once a token is fetched, and later probes never fetch another', async () => {
    const app = await boot();
    const first = await app.probe();
    expect(first.status).toBe(200);
    expect(first.body.details.wecom).toEqual({
      status: 'up',
      corpId: s.emulator.corpId,
      token: 'fetched',
      store: 'memory',
    });
    for (let i = 0; i < PROBES; i++) {
      const probe = await app.probe();
      expect(probe.body.details.wecom).toMatchObject({ status: 'up', token: 'held' });
    }
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('never fetches while a token is held, not even one an upload would refresh ahead of expiry', async () => {
    const app = await boot();
    await app.service.upload({
      file: makePng(10, 10),
      filename: 'a.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    // 116 minutes on: within the last 5 minutes of its use, where an upload refreshes it ahead.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 116 * 60_000);
    for (let i = 0; i < PROBES; i++) expect((await app.probe()).status).toBe(200);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('is down — not thrown — when WeCom refuses the secret (40001), and the cool-down spends no gettoken', async () => {
    const app = await boot({ corpSecret: 'not-the-secret-of-this-corp' });
    const first = await app.probe();
    expect(first.status).toBe(503);
    expect(first.body.status).toBe('error');
    expect(first.body.details.wecom).toMatchObject({
      status: 'down',
      corpId: s.emulator.corpId,
      token: 'refused',
      failed: 'token',
      errcode: 40001,
      store: 'memory',
    });
    expect(Date.parse(String(first.body.details.wecom.retryAt))).toBeGreaterThan(Date.now());
    for (let i = 0; i < PROBES; i++) {
      const probe = await app.probe();
      expect(probe.status).toBe(503);
      expect(probe.body.details.wecom).toMatchObject({ errcode: 40001, token: 'refused' });
    }
    expect(s.emulator.gettokenCalls).toBe(1); // the refusal itself, and nothing after it
    expect(first.text).not.toContain('not-the-secret-of-this-corp');
  });

  it('is down for the network when WeCom cannot be reached, naming the part that failed', async () => {
    const app = await boot({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
    const probe = await app.probe();
    expect(probe.status).toBe(503);
    expect(probe.body.details.wecom).toMatchObject({
      status: 'down',
      failed: 'network',
      token: 'failed',
      store: 'memory',
    });
    expect(String(probe.body.details.wecom.message)).toMatch(/could not be reached: ECONNREFUSED/);
  });

  it('is down for a corp the module does not serve, without asking WeCom', async () => {
    const app = await boot();
    const probe = await app.probe('?corpId=wwsomeoneelse0001');
    expect(probe.status).toBe(503);
    expect(probe.body.details.wecom).toMatchObject({ failed: 'corp', corpId: 'wwsomeoneelse0001' });
    expect(s.emulator.gettokenCalls).toBe(0);
  });

  it('with many corps (secretFor), checks the corp asked for; no token or secret in any answer', async () => {
    const app = await boot({
      corpId: undefined,
      corpSecret: undefined,
      secretFor: (corpId: string) =>
        corpId === s.emulator.corpId ? s.emulator.corpSecret : 'unknown',
    });
    const none = await app.probe();
    expect(none.body.details.wecom).toMatchObject({ status: 'down', failed: 'corp' });
    const probe = await app.probe(`?corpId=${s.emulator.corpId}`);
    expect(probe.body.details.wecom).toMatchObject({ status: 'up', token: 'fetched' });
    for (const secret of [s.emulator.corpSecret, ...s.emulator.issuedTokens]) {
      expect(none.text + probe.text).not.toContain(secret);
    }
  });
});
