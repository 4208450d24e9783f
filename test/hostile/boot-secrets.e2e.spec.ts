import { inspect } from 'node:util';
import type { ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WecomMediaModule, type WecomMediaModuleOptions } from '../../lib/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

// Hostile review #4: credentials in an unparseable HTTPS_PROXY or baseUrl were printed, quoted in
// the boot's error. Now both are described, never quoted (option-table.ts, connection-agents.ts).

const PASSWORD = 'S3CRET';
const PROXY_VARS = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'];

/** Everything a boot failure shows: the error every way it is printed, and every log line. */
interface Failure {
  error: unknown;
  text: string;
}

/**
 * Boots `root` with `env` laid over the proxy variables (all others unset, restored after), and
 * resolves with the failure and all it printed: Nest's logs, the console, stdout and stderr.
 */
async function bootFailure(
  root: ModuleMetadata,
  env: Record<string, string> = {},
): Promise<Failure> {
  const saved = Object.fromEntries(
    PROXY_VARS.flatMap((name) => [name, name.toLowerCase()]).map((n) => [n, process.env[n]]),
  );
  for (const name of Object.keys(saved)) delete process.env[name];
  Object.assign(process.env, env);
  const printed: string[] = [];
  const keep = (...parts: unknown[]) => {
    printed.push(parts.map((p) => (typeof p === 'string' ? p : inspect(p))).join(' '));
    return true;
  };
  for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation(keep);
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  const logs = new LogCapture();
  let error: unknown;
  try {
    const moduleRef = await Test.createTestingModule(root).setLogger(logs).compile();
    const app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
    await app.close();
  } catch (e) {
    error = e;
  } finally {
    vi.restoreAllMocks();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const e = error as Error | undefined;
  const shown = [String(e), e?.message, e?.stack, inspect(e, { depth: 8 })];
  return { error, text: [...shown, logs.text, ...printed].join('\n') };
}

describe('credentials in an unparseable proxy or baseUrl are never printed', () => {
  const s = emulatorSuite({ app: false });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const module = (over: Partial<WecomMediaModuleOptions> = {}) => ({
    imports: [
      WecomMediaModule.forRoot({
        corpId: s.emulator.corpId,
        corpSecret: s.emulator.corpSecret,
        warmUp: false,
        ...over,
      } as WecomMediaModuleOptions),
    ],
  });

  it.each([
    ['HTTPS_PROXY, for an https baseUrl', 'HTTPS_PROXY', 'https://qyapi.weixin.qq.com'],
    ['https_proxy (lower case)', 'https_proxy', 'https://qyapi.weixin.qq.com'],
    ['HTTP_PROXY, for an http baseUrl', 'HTTP_PROXY', ''],
    ['ALL_PROXY', 'ALL_PROXY', ''],
  ])(
    '%s = http://user:S3CRET@[bad: the boot fails and says so, S3CRET nowhere',
    async (_what, name, baseUrl) => {
      const failure = await bootFailure(module({ baseUrl: baseUrl || s.emulator.url }), {
        [name]: `http://user:${PASSWORD}@[bad`,
      });
      expect(failure.error).toBeInstanceOf(Error);
      expect(failure.text).not.toContain(PASSWORD);
      expect((failure.error as Error).message).toContain('from the environment');
      expect((failure.error as Error).message).toContain('is not a URL');
      expect(s.emulator.requests).toHaveLength(0);
    },
  );

  it.each([
    ['an unparseable baseUrl', `https://user:${PASSWORD}@[bad`, 'got a string that is not one'],
    ['a baseUrl with credentials', `https://user:${PASSWORD}@qyapi.weixin.qq.com`, 'credentials'],
  ])('%s: the boot fails and says so, S3CRET nowhere', async (_what, baseUrl, says) => {
    const failure = await bootFailure(module({ baseUrl }));
    expect(failure.error).toBeInstanceOf(Error);
    expect(failure.text).not.toContain(PASSWORD);
    expect((failure.error as Error).message).toContain('baseUrl');
    expect((failure.error as Error).message).toContain(says);
  });

  it('the proxy option, unparseable: the boot fails, S3CRET nowhere', async () => {
    const failure = await bootFailure(
      module({ baseUrl: s.emulator.url, proxy: `http://user:${PASSWORD}@[bad` }),
    );
    expect((failure.error as Error).message).toContain('proxy must be false or');
    expect(failure.text).not.toContain(PASSWORD);
  });

  it('a well-formed proxy from the environment still boots (the check is no blanket refusal)', async () => {
    const failure = await bootFailure(module({ baseUrl: s.emulator.url }), {
      HTTP_PROXY: `http://user:${PASSWORD}@127.0.0.1:9`,
    });
    expect(failure.error).toBeUndefined();
    expect(failure.text).not.toContain(PASSWORD);
  });
});
