import { describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { requireRedisServer } from '../helpers/redis-server.mjs';
import { Replica, replicaFleet } from '../helpers/replica-fleet.js';

const CORPS = ['wwreplicacorp0001', 'wwreplicacorp0002', 'wwreplicacorp0003'];
const SUITE = {
  suiteId: 'wwreplicasuite01',
  suiteSecret: 'replica-suite-secret',
  suiteTicket: 'replica-ticket',
  permanentCodes: Object.fromEntries(CORPS.map((c) => [c, `code-${c}`])),
};

describe.skipIf(!requireRedisServer())('replicas sharing one Redis', () => {
  const s = emulatorSuite({
    app: false,
    emulator: {
      apps: [
        WecomEmulator.DEFAULT_APP,
        ...CORPS.map((corpId) => ({ corpId, corpSecret: `secret-${corpId}` })),
      ],
      suites: [SUITE],
    },
  });
  const fleet = replicaFleet();

  const config = (extra: Record<string, unknown> = {}) => ({
    corpId: s.emulator.corpId,
    corpSecret: s.emulator.corpSecret,
    baseUrl: s.emulator.url,
    redisUrl: fleet.redis.url,
    ...extra,
  });

  it('4 processes, 200 concurrent uploads on a cold cache: exactly 1 gettoken; a mid-run expiry: exactly 1 refresh', async () => {
    fleet.replicas = await Promise.all(Array.from({ length: 4 }, () => Replica.start(config())));
    const first = await Promise.all(fleet.replicas.map((r) => r.upload(50)));
    expect(first.map((r) => r.errors)).toEqual([[], [], [], []]);
    expect(first.reduce((n, r) => n + r.ok, 0)).toBe(200);
    expect(s.emulator.gettokenCalls).toBe(1);

    s.emulator.expireTokens();
    const second = await Promise.all(fleet.replicas.map((r) => r.upload(25)));
    expect(second.reduce((n, r) => n + r.ok, 0)).toBe(100);
    expect(s.emulator.gettokenCalls).toBe(2);
    expect(
      new Set(s.emulator.uploads.filter((u) => u.errcode === 0).map((u) => u.accessToken)).size,
    ).toBe(2);
  });

  it('a lock holder killed mid-refresh: another process takes over once the lease runs out', async () => {
    // timeoutMs 2000 gives a lease of 3 s and a wait of 5 s.
    const [holder, other] = await Promise.all([
      // No warm-up: the first upload is the one that fetches the token.
      Replica.start(config({ timeoutMs: 2000, warmUp: false })),
      Replica.start(config({ timeoutMs: 2000, warmUp: false })),
    ]);
    fleet.replicas = [holder as Replica, other as Replica];
    s.emulator.answerNextWith('gettoken', { status: 200, body: '', hang: true });
    const hung = s.emulator.waitFor((r) => r.api === 'gettoken');
    void holder?.upload(1);
    await hung; // the holder now holds the refresh lock, waiting on a gettoken that never ends
    await holder?.kill();
    const report = await other?.upload(3);
    expect(report).toMatchObject({ ok: 3, errors: [] });
    expect(s.emulator.gettokenCalls).toBe(2); // the dead holder's, and the taker-over's
  });

  it('a third-party app, 3 corps × 4 processes, a cold burst of 50 uploads per corp: 1 get_suite_token, 1 get_corp_token per corp; one corp revoked fails alone', async () => {
    const suiteConfig = { baseUrl: s.emulator.url, redisUrl: fleet.redis.url, suite: SUITE };
    fleet.replicas = await Promise.all(Array.from({ length: 4 }, () => Replica.start(suiteConfig)));
    // 50 per corp, spread over the 4 processes (13 + 13 + 12 + 12).
    const share = (i: number) => Object.fromEntries(CORPS.map((c) => [c, i < 2 ? 13 : 12]));
    const burst = await Promise.all(fleet.replicas.map((r, i) => r.upload(0, share(i))));
    expect(burst.map((r) => r.errors)).toEqual([[], [], [], []]);
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(1);
    for (const corp of CORPS) {
      expect(s.emulator.callsOf('get_corp_token', corp)).toHaveLength(1);
      // Every upload recorded under its corp: the token each carried was that corp's.
      expect(
        s.emulator.callsOf('upload_attachment', corp).filter((u) => u.errcode === 0),
      ).toHaveLength(50);
    }
    expect(s.emulator.gettokenCalls).toBe(0);

    // The second corp cancels its authorisation, and its token is gone: only it fails, once.
    const [, revoked = ''] = CORPS;
    s.emulator.revokeAuthorisation(revoked).expireTokens(revoked);
    const after = await Promise.all(fleet.replicas.map((r, i) => r.upload(0, share(i))));
    const errors = after.flatMap((r) => r.errors);
    expect(errors).toHaveLength(50);
    for (const e of errors) expect(e).toContain('errcode 40084');
    expect(after.reduce((n, r) => n + r.ok, 0)).toBe(100);
    // One refusal reached WeCom; the cool-down in Redis answered every other replica.
    expect(
      s.emulator.callsOf('get_corp_token', revoked).filter((r) => r.errcode === 40084),
    ).toHaveLength(1);
    expect(s.emulator.callsOf('get_suite_token')).toHaveLength(1);
  });

  it('代开发 (secretFor), 3 corps × 4 processes, a cold burst of 50 uploads per corp: 1 gettoken per corp; one corp expired refreshes alone', async () => {
    const secrets = Object.fromEntries(CORPS.map((c) => [c, `secret-${c}`]));
    const secretConfig = { baseUrl: s.emulator.url, redisUrl: fleet.redis.url, secrets };
    fleet.replicas = await Promise.all(
      Array.from({ length: 4 }, () => Replica.start(secretConfig)),
    );
    const share = (i: number) => Object.fromEntries(CORPS.map((c) => [c, i < 2 ? 13 : 12]));
    const burst = await Promise.all(fleet.replicas.map((r, i) => r.upload(0, share(i))));
    expect(burst.map((r) => r.errors)).toEqual([[], [], [], []]);
    for (const corp of CORPS) {
      expect(s.emulator.callsOf('gettoken', corp)).toHaveLength(1);
      expect(
        s.emulator.callsOf('upload_attachment', corp).filter((u) => u.errcode === 0),
      ).toHaveLength(50);
    }
    const [expired = ''] = CORPS;
    s.emulator.expireTokens(expired);
    const after = await Promise.all(fleet.replicas.map((r, i) => r.upload(0, share(i))));
    expect(after.flatMap((r) => r.errors)).toEqual([]);
    expect(s.emulator.callsOf('gettoken', expired)).toHaveLength(2);
    for (const corp of CORPS.slice(1)) expect(s.emulator.callsOf('gettoken', corp)).toHaveLength(1);
  });
});

describe.skipIf(!requireRedisServer())(
  'replicas sharing one rateLimit budget through Redis',
  () => {
    const LIMIT = 40;
    const s = emulatorSuite({ app: false, emulator: { limits: { perMinute: LIMIT } } });
    const fleet = replicaFleet();

    /** 4 replicas, each sending its quarter of 3× the limit at once. */
    const burst = async (extra: Record<string, unknown>) => {
      const config = {
        corpId: s.emulator.corpId,
        corpSecret: s.emulator.corpSecret,
        baseUrl: s.emulator.url,
        redisUrl: fleet.redis.url,
        ...extra,
      };
      fleet.replicas = await Promise.all(Array.from({ length: 4 }, () => Replica.start(config)));
      const reports = await Promise.all(fleet.replicas.map((r) => r.upload((LIMIT * 3) / 4)));
      return {
        ok: reports.reduce((n, r) => n + r.ok, 0),
        failures: reports.flatMap((r) => r.failures),
      };
    };

    it('4 processes, a burst of 3× the limit: the limit succeeds, the rest fail locally, WeCom never says 45009', async () => {
      const { ok, failures } = await burst({ rateLimit: { perMinute: LIMIT } });
      expect(ok).toBe(LIMIT);
      expect(failures).toHaveLength(2 * LIMIT);
      for (const failure of failures) {
        expect(failure).toEqual({
          name: 'WecomRateLimitError',
          errcode: 45009,
          local: true,
          attempts: 0,
        });
      }
      expect(s.emulator.limitRefusals()).toBe(0);
      expect(s.emulator.peakLoad('upload_attachment').perMinute).toBe(LIMIT);
      expect(s.emulator.callsOf('upload_attachment')).toHaveLength(LIMIT);
    });

    it("without rateLimit, the same burst meets WeCom's 45009", async () => {
      const { ok, failures } = await burst({});
      expect(ok).toBe(LIMIT);
      expect(failures).toHaveLength(2 * LIMIT);
      for (const failure of failures)
        expect(failure).toMatchObject({ errcode: 45009, local: false });
      expect(s.emulator.limitRefusals('upload_attachment')).toBe(2 * LIMIT);
    });
  },
);
