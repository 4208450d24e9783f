import { HttpService } from '@nestjs/axios';
import { create } from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretTokenProvider } from '../../lib/token/secret-token.provider.js';
import { WecomHttpClient } from '../../lib/client/wecom-http.client.js';
import { SecretRedactor } from '../../lib/client/secret-redactor.js';
import { CallLimits } from '../../lib/client/call-limits.js';
import { MemoryStore, type WecomStore } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const SECOND_APP = { corpId: WecomEmulator.DEFAULT_APP.corpId, corpSecret: 'second-app-secret' };

describe('SecretTokenProvider', () => {
  const s = emulatorSuite({
    app: false,
    emulator: { apps: [WecomEmulator.DEFAULT_APP, SECOND_APP], tokenTtlSeconds: 7200 },
  });
  let store: WecomStore;
  beforeEach(() => {
    store = new MemoryStore();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const clientFor = (corpSecret: string): WecomHttpClient => {
    const options = resolveOptions({
      corpId: s.emulator.corpId,
      corpSecret,
      baseUrl: s.emulator.url,
    });
    return new WecomHttpClient(
      new HttpService(create()),
      options,
      new SecretRedactor(),
      new CallLimits(options),
    );
  };

  /** The provider of one corp's tokens, as the module builds it, with `getToken()` bound to it. */
  const provider = (corpSecret = s.emulator.corpSecret, refreshAheadMs = 300_000) => {
    const tokens = new SecretTokenProvider({
      secretFor: () => corpSecret,
      store,
      client: clientFor(corpSecret),
      redactor: new SecretRedactor(),
      refreshAheadMs,
      lock: { leaseMs: 5_000, waitMs: 8_000 },
      credentialsCooldownMs: 300_000,
      callbackTimeoutMs: 30_000,
    });
    const corp = { corpId: s.emulator.corpId };
    return {
      getToken: () => tokens.getToken(corp),
      invalidate: (token: string) => tokens.invalidate(token, corp),
    };
  };

  it('caches the token: a second call sends nothing', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    expect(s.emulator.gettokenCalls).toBe(1);
  });

  it('keys the cache by corp and app, never by corp alone', async () => {
    const a = await provider().getToken();
    const b = await provider(SECOND_APP.corpSecret).getToken();
    expect(a).not.toBe(b);
    expect(s.emulator.gettokenCalls).toBe(2);
    // Another provider of the first app, on the same store, reuses the first app's token.
    expect(await provider().getToken()).toBe(a);
    expect(s.emulator.gettokenCalls).toBe(2);
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
    expect(seen.join('\n')).not.toContain(s.emulator.corpSecret);
  });

  it('refreshes ahead of expiry in the background, handing out the old token meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = provider();
    const first = await tokens.getToken();
    vi.setSystemTime(Date.now() + 7200_000 - 200_000); // inside the 5-minute refresh window
    const refreshed = s.emulator.waitFor(
      (r) => r.api === 'gettoken' && s.emulator.gettokenCalls === 2,
    );
    expect(await tokens.getToken()).toBe(first);
    await refreshed;
    await vi.waitFor(async () => expect(await tokens.getToken()).not.toBe(first));
    expect(s.emulator.gettokenCalls).toBe(2);
  });

  it('fetches anew once the token is past its usable life', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = provider();
    const first = await tokens.getToken();
    vi.setSystemTime(Date.now() + 7200_000);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(s.emulator.gettokenCalls).toBe(2);
  });

  it('invalidate drops the token only while it is still the current one', async () => {
    const tokens = provider();
    const first = await tokens.getToken();
    await tokens.invalidate('some-older-token');
    expect(await tokens.getToken()).toBe(first);
    await tokens.invalidate(first);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(s.emulator.gettokenCalls).toBe(2);
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
    expect(s.emulator.gettokenCalls).toBe(2);
  });
});
