import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallLimits } from '../../lib/client/call-limits.js';
import { RedisStore, WecomRateLimitError, type WecomMediaModuleOptions } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';

const API = '/cgi-bin/media/upload_attachment';
const limitsOf = (options: Partial<WecomMediaModuleOptions> = {}): CallLimits =>
  new CallLimits(
    resolveOptions({
      corpId: 'wwcorp',
      corpSecret: 'secret',
      ...options,
    } as WecomMediaModuleOptions),
  );

/** A call that runs until released, and what it saw. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, wait: () => opened };
}

/** The error `promise` rejects with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('CallLimits: maxConcurrentCalls', () => {
  it('runs at most N calls of a corp at once; the rest wait their turn, first come first served', async () => {
    const limits = limitsOf({ maxConcurrentCalls: 2 });
    const g = gate();
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const call = (i: number) =>
      limits.run({ corpId: 'wwa', api: API }, async () => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(i);
        await g.wait();
        running -= 1;
      });
    const calls = [0, 1, 2, 3, 4].map(call);
    await vi.waitFor(() => expect(running).toBe(2));
    g.open();
    await Promise.all(calls);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("one corp's line never holds up another corp", async () => {
    const limits = limitsOf({ maxConcurrentCalls: 1 });
    const g = gate();
    const busy = limits.run({ corpId: 'wwa', api: API }, g.wait);
    // Resolves while corp A's only place is taken.
    expect(await limits.run({ corpId: 'wwb', api: API }, async () => 'b')).toBe('b');
    g.open();
    await busy;
  });

  it('a full line fails at once with a local 45033 that names the limits', async () => {
    const limits = limitsOf({ maxConcurrentCalls: 1, maxQueuedCalls: 1 });
    const g = gate();
    const first = limits.run({ corpId: 'wwa', api: API }, g.wait);
    const second = limits.run({ corpId: 'wwa', api: API }, async () => 'second');
    const third = vi.fn<() => Promise<string>>(async () => 'third');
    const error = await rejection(limits.run({ corpId: 'wwa', api: API }, third));
    expect(error).toBeInstanceOf(WecomRateLimitError);
    const e = error as WecomRateLimitError;
    expect(e).toMatchObject({ errcode: 45033, local: true, attempts: 0, api: API });
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.message).toContain('maxQueuedCalls (1)');
    expect(e.message).toContain('maxConcurrentCalls (1)');
    expect(e.message).toContain('wwa');
    expect(third).not.toHaveBeenCalled();
    g.open();
    await first;
    expect(await second).toBe('second');
  });

  it("a waiting call whose signal aborts leaves the line with the signal's reason and never runs", async () => {
    const limits = limitsOf({ maxConcurrentCalls: 1 });
    const g = gate();
    const first = limits.run({ corpId: 'wwa', api: API }, g.wait);
    const stop = new AbortController();
    const waiting = vi.fn<() => Promise<string>>(async () => 'ran');
    const left = rejection(limits.run({ corpId: 'wwa', api: API, signal: stop.signal }, waiting));
    const reason = new Error('the client left');
    stop.abort(reason);
    expect(await left).toBe(reason);
    // Its place went to nobody: the next call runs as soon as the first ends.
    const next = limits.run({ corpId: 'wwa', api: API }, async () => 'next');
    g.open();
    await first;
    expect(await next).toBe('next');
    expect(waiting).not.toHaveBeenCalled();
  });
});

describe('CallLimits: the line and the budget together', () => {
  it('a token call goes to the front of the line: every upload behind it needs it', async () => {
    const limits = limitsOf({ maxConcurrentCalls: 1 });
    const g = gate();
    const order: string[] = [];
    const first = limits.run({ corpId: 'wwa', api: API }, g.wait);
    const uploads = [1, 2].map((i) =>
      limits.run({ corpId: 'wwa', api: API }, async () => {
        order.push(`upload ${i}`);
      }),
    );
    const token = limits.run(
      { corpId: 'wwa', api: '/cgi-bin/gettoken', urgent: true },
      async () => {
        order.push('gettoken');
      },
    );
    g.open();
    await Promise.all([first, ...uploads, token]);
    expect(order).toEqual(['gettoken', 'upload 1', 'upload 2']);
  });

  it('a call refused by a full line, or aborted in it, spends none of the budget', async () => {
    const limits = limitsOf({
      maxConcurrentCalls: 1,
      maxQueuedCalls: 1,
      rateLimit: { perMinute: 3 },
    });
    const g = gate();
    const first = limits.run({ corpId: 'wwa', api: API }, g.wait); // call 1 of the minute
    const stop = new AbortController();
    const aborted = rejection(limits.run({ corpId: 'wwa', api: API, signal: stop.signal }, g.wait));
    const full = await rejection(limits.run({ corpId: 'wwa', api: API }, g.wait));
    expect(full).toMatchObject({ errcode: 45033, local: true });
    stop.abort(new Error('gone'));
    await aborted;
    g.open();
    await first;
    // Two calls of the minute are left.
    await limits.run({ corpId: 'wwa', api: API }, async () => 'second');
    await limits.run({ corpId: 'wwa', api: API }, async () => 'third');
    const over = await rejection(limits.run({ corpId: 'wwa', api: API }, async () => 'fourth'));
    expect(over).toMatchObject({ errcode: 45009, local: true });
  });
});

describe('CallLimits: rateLimit in memory', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spends perMinute calls per corp and API, then fails fast with a local 45009 and when to retry', async () => {
    const limits = limitsOf({ rateLimit: { perMinute: 3 } });
    const send = vi.fn<() => Promise<string>>(async () => 'sent');
    for (let i = 0; i < 3; i++) await limits.run({ corpId: 'wwa', api: API }, send);
    const error = await rejection(limits.run({ corpId: 'wwa', api: API }, send));
    expect(error).toBeInstanceOf(WecomRateLimitError);
    const e = error as WecomRateLimitError;
    expect(e).toMatchObject({ errcode: 45009, local: true, attempts: 0 });
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(e.message).toContain('rateLimit.perMinute (3 calls per minute');
    expect(e.message).toContain('call 4 in the minute');
    expect(e.message).toContain('wwa');
    expect(send).toHaveBeenCalledTimes(3);
    // Another API, another corp: budgets of their own.
    await limits.run({ corpId: 'wwa', api: '/cgi-bin/gettoken' }, send);
    await limits.run({ corpId: 'wwb', api: API }, send);
    expect(send).toHaveBeenCalledTimes(5);
  });

  it('perHour counts across minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const limits = limitsOf({ rateLimit: { perMinute: 2, perHour: 3 } });
    const send = async () => 'sent';
    await limits.run({ corpId: 'wwa', api: API }, send);
    await limits.run({ corpId: 'wwa', api: API }, send);
    await vi.advanceTimersByTimeAsync(61_000);
    await limits.run({ corpId: 'wwa', api: API }, send);
    await vi.advanceTimersByTimeAsync(61_000);
    const error = (await rejection(
      limits.run({ corpId: 'wwa', api: API }, send),
    )) as WecomRateLimitError;
    expect(error.message).toContain('rateLimit.perHour (3 calls per hour');
    expect(error.retryAfterMs).toBeGreaterThan(60_000);
  });

  it('with maxWaitMs, a call waits for the next window instead of failing', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const limits = limitsOf({ rateLimit: { perMinute: 1, maxWaitMs: 60_000 } });
    const send = vi.fn<() => Promise<string>>(async () => 'sent');
    await limits.run({ corpId: 'wwa', api: API }, send);
    const waiting = limits.run({ corpId: 'wwa', api: API }, send);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(await waiting).toBe('sent');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('a call waiting for the budget leaves at once when its signal aborts', async () => {
    const limits = limitsOf({ rateLimit: { perMinute: 1, maxWaitMs: 60_000 } });
    const send = vi.fn<() => Promise<string>>(async () => 'sent');
    await limits.run({ corpId: 'wwa', api: API }, send);
    const stop = new AbortController();
    const waiting = rejection(limits.run({ corpId: 'wwa', api: API, signal: stop.signal }, send));
    const reason = new Error('the client left');
    stop.abort(reason);
    expect(await waiting).toBe(reason);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe.skipIf(!requireRedisServer())('CallLimits: rateLimit shared through Redis', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const redisStore = async (): Promise<RedisStore> => {
    const client = new Redis(server.url, {
      lazyConnect: true,
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    await client.connect();
    clients.push(client);
    return new RedisStore(client, { keyPrefix: 'limits-test:' });
  };
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  it('two processes spend one budget', async () => {
    const a = limitsOf({ store: await redisStore(), rateLimit: { perMinute: 5 } });
    const b = limitsOf({ store: await redisStore(), rateLimit: { perMinute: 5 } });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? a : b).run({ corpId: 'wwshared', api: API }, async () => 'sent'),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(refused).toHaveLength(7);
    for (const e of refused) expect(e).toMatchObject({ errcode: 45009, local: true });
    const keys = await clients[0]!.keys('limits-test:wecom-media:calls-per-minute*');
    expect(keys).toHaveLength(1);
  });

  it('Redis down: calls go on, counted by this process alone', async () => {
    const store = await redisStore();
    const limits = limitsOf({ store, rateLimit: { perMinute: 2 } });
    await server.stop();
    try {
      const send = vi.fn<() => Promise<string>>(async () => 'sent');
      await limits.run({ corpId: 'wwdown', api: API }, send);
      await limits.run({ corpId: 'wwdown', api: API }, send);
      const error = await rejection(limits.run({ corpId: 'wwdown', api: API }, send));
      expect(error).toMatchObject({ errcode: 45009, local: true });
      expect(send).toHaveBeenCalledTimes(2);
    } finally {
      await server.resume();
    }
  });
});
