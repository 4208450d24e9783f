import { describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { requireRedisServer } from '../helpers/redis-server.mjs';
import { Replica, replicaFleet, type UploadReport } from '../helpers/replica-fleet.js';

// Hostile review #7: while Redis was down, each replica counted the whole rateLimit budget on its
// own, so R replicas sent R times the budget and WeCom answered 45009. Now each counts against its
// share: floor(budget / replicas last seen), of what was left of the window in progress, or of a
// whole window after it.

const LIMIT = 20;
const [WARM, COLD] = ['wwbudgetcorp0001', 'wwbudgetcorp0002'];
const SECRETS = { [WARM]: `secret-${WARM}`, [COLD]: `secret-${COLD}` };

/** Every upload of the reports that succeeded, and every failure. */
const tally = (reports: UploadReport[]) => ({
  ok: reports.reduce((n, r) => n + r.ok, 0),
  failures: reports.flatMap((r) => r.failures),
});

describe.skipIf(!requireRedisServer())(
  'while Redis is down, the replicas keep to one rateLimit budget',
  () => {
    const s = emulatorSuite({
      app: false,
      emulator: {
        apps: [
          WecomEmulator.DEFAULT_APP,
          ...[WARM, COLD].map((corpId) => ({ corpId, corpSecret: `secret-${corpId}` })),
        ],
        limits: { perMinute: LIMIT },
      },
    });
    const fleet = replicaFleet();

    /** `count` replicas (3 corps' secrets, the budget `LIMIT` a minute) on the fleet's Redis. */
    async function startReplicas(count: number): Promise<Replica[]> {
      const config = {
        baseUrl: s.emulator.url,
        redisUrl: fleet.redis.url,
        secrets: SECRETS,
        warmUp: false,
        rateLimit: { perMinute: LIMIT },
      };
      fleet.replicas = await Promise.all(
        Array.from({ length: count }, () => Replica.start(config)),
      );
      return fleet.replicas;
    }

    /** Each replica uploads `count` at once for `corp`. */
    const burst = async (replicas: Replica[], corp: string, count: number) =>
      tally(await Promise.all(replicas.map((r) => r.upload(0, { [corp]: count }))));

    /** Every failure is the module's own 45009: nothing was sent. */
    function expectHeldBack(failures: UploadReport['failures']): void {
      for (const failure of failures) {
        expect(failure).toEqual({
          name: 'WecomRateLimitError',
          errcode: 45009,
          local: true,
          attempts: 0,
        });
      }
    }

    it('the window in progress: 3 replicas, 1 upload each, Redis stops, then 20 each at once — 20 calls reach WeCom in all, none refused', async () => {
      const replicas = await startReplicas(3);
      // With Redis up: one shared budget, and each replica learns that 3 replicas share it.
      const before = await burst(replicas, WARM, 1);
      expect(before).toEqual({ ok: 3, failures: [] });

      await fleet.stopRedis();
      const during = await burst(replicas, WARM, LIMIT);
      // They last saw the shared count at 1, 2 and 3 (in some order): shares of floor(19 / 3),
      // floor(18 / 3) and floor(17 / 3) of the window's rest.
      expect(s.emulator.limitRefusals()).toBe(0);
      expect(during.ok).toBe(6 + 6 + 5);
      expect(during.failures).toHaveLength(3 * LIMIT - 17);
      expectHeldBack(during.failures);
      expect(s.emulator.callsOf('upload_attachment', WARM)).toHaveLength(LIMIT);
      expect(s.emulator.peakLoad('upload_attachment', WARM).perMinute).toBeLessThanOrEqual(LIMIT);
    });

    it('a window that starts during the outage: each of 3 replicas takes floor(20 / 3), none refused', async () => {
      const replicas = await startReplicas(3);
      expect(await burst(replicas, WARM, 1)).toEqual({ ok: 3, failures: [] }); // learn the count

      await fleet.stopRedis();
      const during = await burst(replicas, COLD, LIMIT);
      expect(s.emulator.limitRefusals()).toBe(0);
      expect(during.ok).toBe(3 * Math.floor(LIMIT / 3));
      expectHeldBack(during.failures);
      expect(s.emulator.callsOf('upload_attachment', COLD)).toHaveLength(18);
    });

    it('a replica that stops leaves the count: the 2 left take 10 each', async () => {
      const replicas = await startReplicas(3);
      expect(await burst(replicas, WARM, 1)).toEqual({ ok: 3, failures: [] });
      const [a, b, c] = replicas as [Replica, Replica, Replica];
      await c.stop(); // its heartbeat is removed from Redis
      expect(await burst([a, b], WARM, 1)).toEqual({ ok: 2, failures: [] }); // and they see 2

      await fleet.stopRedis();
      const during = await burst([a, b], COLD, LIMIT);
      expect(s.emulator.limitRefusals()).toBe(0);
      expect(during.ok).toBe(LIMIT);
      expectHeldBack(during.failures);
      expect(s.emulator.callsOf('upload_attachment', COLD)).toHaveLength(LIMIT);
    });
  },
);
