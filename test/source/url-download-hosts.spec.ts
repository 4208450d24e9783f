import { beforeEach, describe, expect, it } from 'vitest';
import { AttachmentRuleError } from '../../lib/errors/index.js';
import { downloadUrl, type UrlDownloadOptions } from '../../lib/source/url-download.js';
import { UrlPolicy } from '../../lib/source/url-policy.js';
import {
  BODY,
  checkedTempDirectory,
  fakeDns,
  startServer,
  thrown,
  type TestServer,
} from './url-servers.js';

// Every refusal here must come before any request: the servers count what reaches them.
describe('downloadUrl: hosts, addresses and redirects', () => {
  const box = checkedTempDirectory();
  let cdn: TestServer;
  let other: TestServer;
  const dns = fakeDns({
    'cdn.example.test': ['127.0.0.1'],
    'a.example.test': ['127.0.0.1'],
    'b.c.example.test': ['127.0.0.1'],
    'example.test': ['127.0.0.1'],
    'other.example.test': ['127.0.0.1'],
    'loopback.example.test': ['127.0.0.2'],
    'mapped.example.test': ['::ffff:127.0.0.1'],
    'v6.example.test': ['::1'],
    // Each behind a listed 127.0.0.1 that a connection would pick: were the check ever broken, the
    // test would fail on this machine, never send a packet to a private or metadata address.
    'private.example.test': ['127.0.0.1', '10.0.0.1'],
    'metadata.example.test': ['127.0.0.1', '169.254.169.254'],
    'ula.example.test': ['127.0.0.1', 'fd00:ec2::254'],
    'cgnat.example.test': ['127.0.0.1', '100.64.0.1'],
  });

  beforeEach(async () => {
    cdn ??= await startServer();
    other ??= await startServer();
    cdn.handle((_req, res) => res.writeHead(200, { 'content-length': BODY.length }).end(BODY));
    cdn.requests.length = 0;
    other.requests.length = 0;
    dns.asked.length = 0;
  });

  const options = (allowedHosts: string[], more: Partial<UrlDownloadOptions> = {}) => ({
    policy: new UrlPolicy(allowedHosts),
    timeoutMs: 10_000,
    maxRedirects: 3,
    maxBytes: 1024,
    temp: box.temp,
    lookup: dns,
    ...more,
  });
  const at = (host: string, port: number, path = '/a.jpg'): URL =>
    new URL(`http://${host}:${port}${path}`);
  const download = async (url: URL, allowedHosts: string[], more = {}): Promise<void> => {
    const file = await downloadUrl(url, options(allowedHosts, more));
    await file.remove();
  };
  const refusal = async (url: URL, allowedHosts: string[], more = {}) => {
    const error = await thrown(downloadUrl(url, options(allowedHosts, more)));
    expect(error).toBeInstanceOf(AttachmentRuleError);
    const [violation] = (error as AttachmentRuleError).violations;
    return violation!;
  };

  it('refuses a host not listed without a look-up or a request', async () => {
    const v = await refusal(at('cdn.example.test', cdn.port), ['img.example.test']);
    expect(v).toMatchObject({ rule: 'url-host', actual: `cdn.example.test:${cdn.port}` });
    expect(v.message).toContain('not in urlSources.allowedHosts');
    expect(dns.asked).toEqual([]);
    expect(cdn.requests).toHaveLength(0);
  });

  it('refuses a listed name resolving to loopback unless the address itself is listed', async () => {
    for (const host of ['cdn.example.test', 'loopback.example.test', 'mapped.example.test']) {
      const v = await refusal(at(host, cdn.port), [host]);
      expect({ host, ...v }).toMatchObject({ host, rule: 'url-address', actual: 'loopback' });
      expect(v.message).toMatch(/resolves to .* a loopback address/);
    }
    expect(cdn.requests).toHaveLength(0);
    await download(at('cdn.example.test', cdn.port), ['cdn.example.test', '127.0.0.1']);
    await download(at('mapped.example.test', cdn.port), ['mapped.example.test', '127.0.0.1']);
    expect(cdn.requests).toHaveLength(2);
    // Listed for another port only: still refused.
    const v = await refusal(at('cdn.example.test', cdn.port), ['cdn.example.test', '127.0.0.1:1']);
    expect(v.rule).toBe('url-address');
  });

  it('refuses a host when any answer is private, link-local (metadata), unique-local or CGNAT', async () => {
    const cases = [
      ['private.example.test', 'private'],
      ['metadata.example.test', 'link-local'],
      ['ula.example.test', 'unique-local'],
      ['cgnat.example.test', 'carrier-grade-nat'],
      ['v6.example.test', 'loopback'],
    ] as const;
    for (const [host, addressClass] of cases) {
      const v = await refusal(at(host, cdn.port), [host, '127.0.0.1']);
      expect({ host, ...v }).toMatchObject({ host, rule: 'url-address', actual: addressClass });
    }
    expect(cdn.requests).toHaveLength(0);
  });

  it('refuses IP literals in any spelling unless that address is listed', async () => {
    for (const host of ['2130706433', '0x7f.1', '127.1', '[::1]', '[::ffff:127.0.0.1]']) {
      const v = await refusal(at(host, cdn.port), ['cdn.example.test', '*.example.test']);
      expect([host, v.rule]).toEqual([host, 'url-host']);
    }
    expect(cdn.requests).toHaveLength(0);
    expect(dns.asked).toEqual([]);
    await download(at('2130706433', cdn.port), [`127.0.0.1:${cdn.port}`]);
    expect(cdn.requests).toHaveLength(1);
  });

  it('*.domain takes subdomains, not the apex', async () => {
    const allowed = ['*.example.test', '127.0.0.1'];
    await download(at('a.example.test', cdn.port), allowed);
    await download(at('b.c.example.test', cdn.port), allowed);
    expect((await refusal(at('example.test', cdn.port), allowed)).rule).toBe('url-host');
    expect(cdn.requests.map((r) => r.headers.host)).toEqual([
      `a.example.test:${cdn.port}`,
      `b.c.example.test:${cdn.port}`,
    ]);
  });

  it('host:port takes that port only; a bare host any port', async () => {
    const portOnly = [`cdn.example.test:${cdn.port}`, '127.0.0.1'];
    await download(at('cdn.example.test', cdn.port), portOnly);
    const v = await refusal(at('cdn.example.test', other.port), portOnly);
    expect(v).toMatchObject({ rule: 'url-host', actual: `cdn.example.test:${other.port}` });
    expect(other.requests).toHaveLength(0);
    await download(at('cdn.example.test', other.port), ['cdn.example.test', '127.0.0.1']);
    expect(other.requests).toHaveLength(1);
  });

  it('follows a relative redirect, naming the file from the last URL', async () => {
    cdn.handle((req, res) => {
      if (req.url === '/a.jpg') res.writeHead(302, { location: '/img/%E6%98%A5.jpg' }).end();
      else res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    });
    const file = await downloadUrl(
      at('cdn.example.test', cdn.port),
      options(['cdn.example.test', '127.0.0.1']),
    );
    await file.remove();
    expect(file.filename).toBe('春.jpg');
    expect(cdn.requests.map((r) => r.url)).toEqual(['/a.jpg', '/img/%E6%98%A5.jpg']);
  });

  it('refuses a redirect to a host not listed: that host is never asked, nor looked up', async () => {
    cdn.handle((_req, res) => {
      res.writeHead(302, { location: `http://other.example.test:${other.port}/b.jpg` }).end();
    });
    const v = await refusal(at('cdn.example.test', cdn.port), ['cdn.example.test', '127.0.0.1']);
    expect(v).toMatchObject({ rule: 'url-host', actual: `other.example.test:${other.port}` });
    expect(cdn.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    expect(dns.asked).toEqual(['cdn.example.test']);
  });

  it('re-checks the address at every hop, and the scheme', async () => {
    const allowed = ['*.example.test', '127.0.0.1'];
    cdn.handle((_req, res) => {
      res.writeHead(307, { location: `http://metadata.example.test/latest/meta-data/` }).end();
    });
    expect(await refusal(at('cdn.example.test', cdn.port), allowed)).toMatchObject({
      rule: 'url-address',
      actual: 'link-local',
    });
    cdn.handle((_req, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end());
    expect((await refusal(at('cdn.example.test', cdn.port), allowed)).rule).toBe('url-scheme');
  });

  it('follows maxRedirects redirects and refuses one more, a loop too', async () => {
    const allowed = ['cdn.example.test', '127.0.0.1'];
    cdn.handle((req, res) => {
      const hop = Number(req.url?.slice(1));
      if (hop < 3) res.writeHead(308, { location: `/${hop + 1}` }).end();
      else res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    });
    await download(at('cdn.example.test', cdn.port, '/0'), allowed, { maxRedirects: 3 });
    cdn.requests.length = 0;
    const v = await refusal(at('cdn.example.test', cdn.port, '/0'), allowed, { maxRedirects: 2 });
    expect(v).toMatchObject({ rule: 'url-redirects', limit: 2, actual: 3 });
    expect(cdn.requests).toHaveLength(3);
    cdn.handle((_req, res) => res.writeHead(302, { location: '/loop' }).end());
    cdn.requests.length = 0;
    expect((await refusal(at('cdn.example.test', cdn.port, '/loop'), allowed)).rule).toBe(
      'url-redirects',
    );
    expect(cdn.requests).toHaveLength(4); // the first request and maxRedirects (3) more
    expect(
      (await refusal(at('cdn.example.test', cdn.port), allowed, { maxRedirects: 0 })).rule,
    ).toBe('url-redirects');
  });
});
