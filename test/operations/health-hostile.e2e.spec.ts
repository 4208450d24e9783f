// The health probe under a hostile operator, a hostile network and WeCom's own words (the review
// of issue 23): /health is answered to whoever reaches it — kubelet, a load balancer, often the
// internet — so it says what failed in the module's words, never a callback's or WeCom's.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterEach, describe, expect, it } from 'vitest';
import { WecomMediaModule, type AccessTokenProvider } from '../../lib/index.js';
import { WecomHealthIndicator, WecomHealthModule } from '../../lib/operations/health/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { A, suiteCredentials, THREE_CORPS } from '../e2e/three-corps.js';
import { bootRootApp } from '../helpers/wecom-test-app.js';
import { bootHealthApp } from './health-app.js';

const PROBES = 20; // a minute of probes from one replica

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

const emulatorOf = async (options?: Parameters<typeof WecomEmulator.start>[0]) => {
  const emulator = await WecomEmulator.start(options);
  opened.push(emulator);
  return emulator;
};
const boot = async (options: Record<string, unknown>) => {
  const app = await bootHealthApp(options as never);
  opened.push(app);
  return app;
};

describe('the health probe, attacked', () => {
  it('a secretFor that throws with a credential of its own (a vault token): down, the callback named, its words not shown', async () => {
    const emulator = await emulatorOf();
    // A credential the module has never seen, so its redactor cannot know it.
    const vaultToken = 'hvs.CAESIJlvbnRoZXZhdWx0dG9rZW4tMTIzNDU2Nzg5';
    const app = await boot({
      corpId: emulator.corpId,
      secretFor: () => {
        throw new Error(`vault GET secret/wecom denied (403) for X-Vault-Token ${vaultToken}`);
      },
      baseUrl: emulator.url,
    });
    const probe = await app.probe();
    expect(probe.status).toBe(503);
    expect(probe.body.details.wecom).toMatchObject({ status: 'down', failed: 'token' });
    expect(String(probe.body.details.wecom.message)).toContain(`secretFor('${emulator.corpId}')`);
    expect(probe.text).not.toContain(vaultToken);
    // The words go to the server log, where the answer sends the operator — once for a run of probes.
    await app.probe();
    expect(app.logs.lines.filter((line) => line.includes('vault GET'))).toHaveLength(1);
  });

  it('a tokenProvider that rejects with no error at all (undefined, null): down (503), not a thrown 500', async () => {
    const emulator = await emulatorOf();
    for (const reason of [undefined, null]) {
      const provider: AccessTokenProvider = {
        // A library that rejects with undefined (or null) on a failed refresh.
        // oxlint-disable-next-line prefer-promise-reject-errors
        getToken: () => Promise.reject(reason),
        invalidate: () => Promise.resolve(),
      };
      const app = await boot({
        corpId: emulator.corpId,
        tokenProvider: provider,
        baseUrl: emulator.url,
      });
      const probe = await app.probe();
      expect(probe.status).toBe(503);
      expect(probe.body.details?.wecom).toMatchObject({
        status: 'down',
        failed: 'token',
        message: `the token provider failed with ${String(reason)}`,
      });
    }
  });

  it('two registrations of the module (one feature module per corp): each corp is probed by its own', async () => {
    const a = { corpId: 'wwreviewcorpaaaa1', corpSecret: 'secret-of-corp-a-0123456789' };
    const b = { corpId: 'wwreviewcorpbbbb2', corpSecret: 'secret-of-corp-b-0123456789' };
    const emulator = await emulatorOf({ apps: [a, { ...b, corpSecret: 'b-rotated-0123456789' }] });
    @Module({ imports: [WecomMediaModule.forRoot({ ...a, baseUrl: emulator.url, warmUp: false })] })
    class CorpAModule {}
    @Module({ imports: [WecomMediaModule.forRoot({ ...b, baseUrl: emulator.url, warmUp: false })] })
    class CorpBModule {}
    @Controller('health')
    class TwoCorpsHealth {
      constructor(
        private readonly health: HealthCheckService,
        private readonly wecom: WecomHealthIndicator,
      ) {}
      @Get()
      @HealthCheck()
      check(@Query('corpId') corpId?: string) {
        return this.health.check([() => this.wecom.isHealthy('wecom', corpId ? { corpId } : {})]);
      }
    }
    const app = await bootRootApp(
      {
        imports: [TerminusModule, WecomHealthModule, CorpAModule, CorpBModule],
        controllers: [TwoCorpsHealth],
      },
      { listen: true },
    );
    opened.push(app);
    const probe = async (query: string) => {
      const response = await fetch(`${app.url}/health${query}`);
      const body = (await response.json()) as { details: { wecom: Record<string, unknown> } };
      return { status: response.status, wecom: body.details.wecom };
    };
    expect(await probe(`?corpId=${a.corpId}`)).toMatchObject({
      status: 200,
      wecom: { corpId: a.corpId, token: 'fetched' },
    });
    // B's registration, with B's (wrong) secret: each registration is asked with its own.
    expect(await probe(`?corpId=${b.corpId}`)).toMatchObject({
      status: 503,
      wecom: { corpId: b.corpId, token: 'refused', errcode: 40001 },
    });
    expect(emulator.callsOf('gettoken').map((r) => r.corpId)).toEqual([a.corpId, b.corpId]);
    // No corp named, and two default corps: which one is meant is not guessed.
    expect(await probe('')).toMatchObject({ status: 503, wecom: { failed: 'corp' } });
    const other = await probe('?corpId=wwnobodyservesit1');
    expect(String(other.wecom.message)).toContain(`registered for ${a.corpId}, ${b.corpId}`);
  });

  it('credentialsCooldownMs 0 and a wrong secret: a probe still spends no gettoken after the refusal', async () => {
    const emulator = await emulatorOf();
    const app = await boot({
      corpId: emulator.corpId,
      corpSecret: 'a-rotated-away-secret-0000',
      baseUrl: emulator.url,
      credentialsCooldownMs: 0,
    });
    for (let i = 0; i < PROBES; i++) {
      const probe = await app.probe();
      expect(probe.status).toBe(503);
      expect(probe.body.details.wecom).toMatchObject({ token: 'refused', errcode: 40001 });
    }
    // WeCom bans an IP for an hour after repeated wrong-secret calls (credentials-cooldown.ts):
    // a readiness probe every 3 s on every replica would get it there on its own.
    expect(emulator.gettokenCalls).toBe(1);
  });

  it('credentialsCooldownMs 0 and a wrong suite secret: no get_suite_token after the refusal', async () => {
    const emulator = await emulatorOf(THREE_CORPS);
    const app = await boot({
      corpId: A,
      suite: suiteCredentials({ suiteSecret: 'not-the-suite-secret-01' }),
      baseUrl: emulator.url,
      credentialsCooldownMs: 0,
    });
    for (let i = 0; i < PROBES; i++) {
      expect((await app.probe()).body.details.wecom).toMatchObject({
        token: 'refused',
        errcode: 40080,
      });
    }
    expect(emulator.callsOf('get_suite_token')).toHaveLength(1);
  });

  it("WeCom's errmsg (the replica's egress IP, WeCom's hint) is not in /health: the errcode and the module's words are", async () => {
    const emulator = await emulatorOf();
    const errmsg = (errcode: number, text: string) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errcode,
        errmsg: `${text}, hint: [1718000000_81_5c2b0a9f3b7e], from ip: 203.0.113.77, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`,
      }),
    });
    // What the real gettoken answers to a wrong secret, then to a server outside the trusted IPs.
    emulator.answerNextWith('gettoken', errmsg(40001, 'invalid credential'));
    const app = await boot({
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      baseUrl: emulator.url,
    });
    const refused = await app.probe();
    expect(refused.body.details.wecom).toMatchObject({ status: 'down', errcode: 40001 });
    expect(String(refused.body.details.wecom.message)).toContain("check the app's secret");

    // Another replica (a store of its own: no cool-down of the first's).
    const other = await boot({
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      baseUrl: emulator.url,
    });
    emulator.answerNextWith('gettoken', errmsg(60020, 'not allow to access from your ip'));
    const untrusted = await other.probe();
    expect(untrusted.body.details.wecom).toMatchObject({
      status: 'down',
      errcode: 60020,
      failed: 'token',
    });
    for (const probe of [refused, untrusted]) {
      expect(probe.text).not.toMatch(/203\.0\.113\.77|hint:/);
    }
  });

  it('held: a WeCom that accepts and never answers (cold start) is down for the network within timeoutMs; concurrent probes share one connection', async () => {
    const sockets = new Set<Socket>();
    const blackhole: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    blackhole.listen(0, '127.0.0.1');
    await once(blackhole, 'listening');
    const port = (blackhole.address() as { port: number }).port;
    opened.push({
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => blackhole.close(resolve));
      },
    });
    const app = await boot({
      corpId: 'wwblackholecorp01',
      corpSecret: 'blackhole-secret-0123456789',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 500,
    });
    const probes = await Promise.all([app.probe(), app.probe(), app.probe()]);
    for (const probe of probes) {
      expect(probe.status).toBe(503);
      expect(probe.body.details.wecom).toMatchObject({ failed: 'network', token: 'failed' });
      expect(String(probe.body.details.wecom.message)).toMatch(/did not answer within 500 ms/);
    }
    expect(sockets.size).toBe(1);
  });
});
