import { afterEach, describe, expect, it } from 'vitest';
import { connectionAgents, proxyFromEnv } from '../../lib/client/connection-agents.js';

const WECOM = 'https://qyapi.weixin.qq.com';
const NAMES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((n) => [
  n,
  n.toLowerCase(),
]);
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));

function env(values: Record<string, string>): void {
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, values);
}

afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('the proxy the environment names (curl rules)', () => {
  it('HTTPS_PROXY for https WeCom; a value without a scheme is an HTTP proxy, as curl reads it', () => {
    env({ HTTPS_PROXY: 'proxy.corp:8080' });
    expect(proxyFromEnv(WECOM)).toBe('http://proxy.corp:8080');
    env({ https_proxy: 'http://gw.corp:3128' });
    expect(proxyFromEnv(WECOM)).toBe('http://gw.corp:3128');
  });

  it('HTTP_PROXY applies to an http:// base URL only (as in curl); ALL_PROXY to both', () => {
    env({ HTTP_PROXY: 'http://gw:3128' });
    expect(proxyFromEnv(WECOM)).toBe('');
    expect(proxyFromEnv('http://127.0.0.1:8080')).toBe('http://gw:3128');
    env({ ALL_PROXY: 'gw:3128' });
    expect(proxyFromEnv(WECOM)).toBe('http://gw:3128');
  });

  it('NO_PROXY excludes WeCom', () => {
    env({ HTTPS_PROXY: 'http://gw:3128', NO_PROXY: '.weixin.qq.com' });
    expect(proxyFromEnv(WECOM)).toBe('');
  });

  it('a proxy of another scheme from the environment is refused at start-up, never quoted', () => {
    for (const scheme of ['socks5', 'https']) {
      env({ HTTPS_PROXY: `${scheme}://user:secret@gw:1080` });
      expect(() => connectionAgents(WECOM, undefined)).toThrow(
        new RegExp(`must be an http:// URL .*; got the scheme ${scheme}:$`),
      );
      expect(() => connectionAgents(WECOM, undefined)).not.toThrow(/secret/);
    }
  });
});
