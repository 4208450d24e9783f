// Review of issue 23 (hostile): the health indicator under a hostile operator and a bad network.
// Failing tests here are the evidence of a finding; passing ones are what held.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterEach, describe, expect, it } from 'vitest';
import { WecomMediaModule, type AccessTokenProvider } from '../../lib/index.js';
import { WecomHealthIndicator, WecomHealthModule } from '../../lib/operations/health/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { bootRootApp } from '../helpers/wecom-test-app.js';
import { bootHealthApp } from './health-app.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

describe('review 23: the health probe', () => {
  it('F1: a secretFor that throws with a credential of its own (a vault token) never reaches /health', async () => {
    const emulator = await WecomEmulator.start();
    opened.push(emulator);
    // The app's secret store fails, and its error names the vault token it used: a credential
    // the module has never seen, so its redactor cannot know it.
    const vaultToken = 'hvs.CAESIJlvbnRoZXZhdWx0dG9rZW4tMTIzNDU2Nzg5';
    const app = await bootHealthApp({
      corpId: emulator.corpId,
      secretFor: () => {
        throw new Error(`vault GET secret/wecom denied (403) for X-Vault-Token ${vaultToken}`);
      },
      baseUrl: emulator.url,
    } as never);
    opened.push(app);
    const probe = await app.probe();
    expect(probe.status).toBe(503);
    expect(probe.body.details.wecom).toMatchObject({ status: 'down', failed: 'token' });
    // /health is answered to whoever reaches it (kubelet, a load balancer, often the internet).
    expect(probe.text).not.toContain(vaultToken);
  });

  it('F2: a tokenProvider of the app that rejects with no error at all is down (503), not a thrown 500', async () => {
    const emulator = await WecomEmulator.start();
    opened.push(emulator);
    const provider: AccessTokenProvider = {
      // A provider built on a library that rejects with undefined (or null) on a failed refresh.
      // oxlint-disable-next-line prefer-promise-reject-errors
      getToken: () => Promise.reject(undefined),
      invalidate: () => Promise.resolve(),
    };
    const app = await bootHealthApp({
      corpId: emulator.corpId,
      tokenProvider: provider,
      baseUrl: emulator.url,
    } as never);
    opened.push(app);
    const probe = await app.probe();
    // "down — never thrown": Terminus answers 503 with the details, not a 500 without them.
    expect(probe.status).toBe(503);
    expect(probe.body.details?.wecom).toMatchObject({ status: 'down', failed: 'token' });
  });

  it('F3: with two registrations of the module (two corps, one feature module each), each corp can be checked', async () => {
    const a = { corpId: 'wwreviewcorpaaaa1', corpSecret: 'secret-of-corp-a-0123456789' };
    const b = { corpId: 'wwreviewcorpbbbb2', corpSecret: 'secret-of-corp-b-0123456789' };
    const emulator = await WecomEmulator.start({ apps: [a, b] });
    opened.push(emulator);
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
      check(@Query('corpId') corpId: string) {
        return this.health.check([() => this.wecom.isHealthy('wecom', { corpId })]);
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
    const probe = async (corpId: string) => {
      const response = await fetch(`${app.url}/health?corpId=${corpId}`);
      return {
        status: response.status,
        body: (await response.json()) as { details: { wecom: Record<string, unknown> } },
      };
    };
    const first = await probe(a.corpId);
    const second = await probe(b.corpId);
    // One of the two is found by moduleRef.get({ strict: false }); the other corp is "not served".
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.details.wecom).toMatchObject({ status: 'up', corpId: b.corpId });
  });

  it('F4 (documented, still a hazard): with credentialsCooldownMs 0 and a wrong secret, every probe is a gettoken WeCom counts', async () => {
    const emulator = await WecomEmulator.start();
    opened.push(emulator);
    const app = await bootHealthApp({
      corpId: emulator.corpId,
      corpSecret: 'a-rotated-away-secret-0000',
      baseUrl: emulator.url,
      credentialsCooldownMs: 0,
    } as never);
    opened.push(app);
    for (let i = 0; i < 20; i++) expect((await app.probe()).status).toBe(503);
    // WeCom bans an IP for an hour after repeated wrong-secret calls (credentials-cooldown.ts):
    // a readiness probe every 3 s on every replica gets it there on its own.
    expect(emulator.gettokenCalls).toBeLessThanOrEqual(1);
  });

  it("F13 (low): WeCom's own errmsg goes out in /health: the replica's egress IP and WeCom's hint", async () => {
    const emulator = await WecomEmulator.start();
    opened.push(emulator);
    // What the real gettoken answers to a wrong secret.
    emulator.answerNextWith('gettoken', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errcode: 40001,
        errmsg:
          'invalid credential, hint: [1718000000_81_5c2b0a9f3b7e], from ip: 203.0.113.77, more info at https://open.work.weixin.qq.com/devtool/query?e=40001',
      }),
    });
    const app = await bootHealthApp({
      corpId: emulator.corpId,
      corpSecret: emulator.corpSecret,
      baseUrl: emulator.url,
    } as never);
    opened.push(app);
    const probe = await app.probe();
    expect(probe.body.details.wecom).toMatchObject({ status: 'down', errcode: 40001 });
    // The cool-down's later probes say it without WeCom's words; the first one quotes them.
    expect(probe.text).not.toContain('203.0.113.77');
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
    const app = await bootHealthApp({
      corpId: 'wwblackholecorp01',
      corpSecret: 'blackhole-secret-0123456789',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 500,
    } as never);
    opened.push(app);
    const probes = await Promise.all([app.probe(), app.probe(), app.probe()]);
    for (const probe of probes) {
      expect(probe.status).toBe(503);
      expect(probe.body.details.wecom).toMatchObject({ failed: 'network', token: 'failed' });
      expect(String(probe.body.details.wecom.message)).toMatch(/did not answer within 500 ms/);
    }
    expect(sockets.size).toBe(1);
  });
});
