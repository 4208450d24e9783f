import { HttpService } from '@nestjs/axios';
import { create } from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WecomHttpClient } from '../../lib/client/wecom-http.client.js';
import { CorpAccessTokenProvider, MemoryStore, type WecomStore } from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';

const SECOND_APP = { corpId: WecomEmulator.DEFAULT_APP.corpId, corpSecret: 'second-app-secret' };

describe('CorpAccessTokenProvider', () => {
  let emulator: WecomEmulator;
  let store: WecomStore;

  beforeAll(async () => {
    emulator = await WecomEmulator.start({
      apps: [WecomEmulator.DEFAULT_APP, SECOND_APP],
      tokenTtlSeconds: 7200,
    });
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    store = new MemoryStore();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const provider = (corpSecret = emulator.corpSecret, refreshAheadMs = 300_000) =>
    new CorpAccessTokenProvider({
      corpId: emulator.corpId,
      corpSecret,
      store,
      client: new WecomHttpClient(new HttpService(create()), {
        corpId: emulator.corpId,
        corpSecret,
        baseUrl: emulator.url,
      }),
      refreshAheadMs,
      lockLeaseMs: 5_000,
      lockWaitMs: 8_000,
    });

  it('caches the token: a second call sends nothing', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    expect(emulator.gettokenCalls).toBe(1);
  });

  it('keys the cache by corp and app, never by corp alone', async () => {
    const a = await provider().getToken();
    const b = await provider(SECOND_APP.corpSecret).getToken();
    expect(a).not.toBe(b);
    expect(emulator.gettokenCalls).toBe(2);
    // Another provider of the first app, on the same store, reuses the first app's token.
    expect(await provider().getToken()).toBe(a);
    expect(emulator.gettokenCalls).toBe(2);
  });

  it('never puts the secret into a store key or value', async () => {
    const seen: string[] = [];
    const spying: WecomStore = new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          seen.push(JSON.stringify(args));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    store = spying;
    await provider().getToken();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('\n')).not.toContain(emulator.corpSecret);
  });

  it('refreshes ahead of expiry in the background, handing out the old token meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = provider();
    const first = await tokens.getToken();
    vi.setSystemTime(Date.now() + 7200_000 - 200_000); // inside the 5-minute refresh window
    const refreshed = emulator.waitFor((r) => r.api === 'gettoken' && emulator.gettokenCalls === 2);
    expect(await tokens.getToken()).toBe(first);
    await refreshed;
    await vi.waitFor(async () => expect(await tokens.getToken()).not.toBe(first));
    expect(emulator.gettokenCalls).toBe(2);
  });

  it('fetches anew once the token is past its usable life', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = provider();
    const first = await tokens.getToken();
    vi.setSystemTime(Date.now() + 7200_000);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(emulator.gettokenCalls).toBe(2);
  });

  it('invalidate drops the token only while it is still the current one', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    await tokens.invalidate('some-older-token');
    expect(await tokens.getToken()).toBe(first);
    await tokens.invalidate(first);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(emulator.gettokenCalls).toBe(2);
  });

  it('does not delete a fresh token another instance stored after the failure', async () => {
    const a = provider();
    const b = provider();
    const old = await a.getToken();
    expect(await b.getToken()).toBe(old);
    await a.invalidate(old);
    const fresh = await a.getToken();
    await b.invalidate(old); // b learns late that the old token failed
    expect(await b.getToken()).toBe(fresh);
    expect(emulator.gettokenCalls).toBe(2);
  });
});

describe('MemoryStore', () => {
  it('expires entries, compares before deleting, and leases locks', async () => {
    let now = 1_000;
    const store = new MemoryStore(() => now);
    await store.set('k', 'v', 100);
    expect(await store.compareAndDelete('k', 'other')).toBe(false);
    expect(await store.get('k')).toBe('v');
    expect(await store.compareAndDelete('k', 'v')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', 'v', 100);
    now += 100;
    expect(await store.get('k')).toBeUndefined();

    expect(await store.acquireLock('lock', 'a', 50)).toBe(true);
    expect(await store.acquireLock('lock', 'b', 50)).toBe(false);
    now += 50; // the holder died: its lease runs out
    expect(await store.acquireLock('lock', 'b', 50)).toBe(true);
    expect(await store.compareAndDelete('lock', 'a')).toBe(false);
    expect(await store.compareAndDelete('lock', 'b')).toBe(true);
  });
});
