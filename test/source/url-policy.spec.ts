import { describe, expect, it } from 'vitest';
import { addressClass } from '../../lib/source/address-class.js';
import { describeUrl } from '../../lib/source/url-download.js';
import { filenameOf } from '../../lib/source/url-parts.js';
import { hostEntryProblem, UrlPolicy } from '../../lib/source/url-policy.js';

const hostRule = (policy: UrlPolicy, url: string): string | undefined =>
  policy.refuseUrl(new URL(url))?.rule;
const addressRule = (policy: UrlPolicy, url: string, address: string): string | undefined =>
  policy.refuseAddress(new URL(url), address)?.actual?.toString();

describe('addressClass', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'], // cloud metadata
    ['fd00:ec2::254', 'unique-local'], // AWS metadata over IPv6
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'], // benchmarking (RFC 2544)
    ['fec0::1', 'deprecated-site-local'],
    ['::ffff:10.0.0.1', 'private'], // IPv4-mapped: judged as its IPv4
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:93.184.216.34', 'public'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['64:ff9b::5db8:d822', 'public'], // NAT64 of 93.184.216.34
    ['::a00:1', 'reserved'], // IPv4-compatible, outside 2000::/3
    ['fe80::1%eth0', 'invalid'],
    ['0x7f.1', 'invalid'], // only the spellings DNS and the URL parser give
    ['cdn.example.com', 'invalid'],
  ])('%s is %s', (address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });
});

describe('UrlPolicy', () => {
  it('takes names, *.domains, ports and IP literals, and refuses what is none of them', () => {
    expect(
      () =>
        new UrlPolicy([
          'cdn.example.com',
          ' CDN.Example.COM ',
          '*.example.com',
          'cdn.example.com:8443',
          '203.0.113.7',
          '203.0.113.7:80',
          '[2001:db8::1]',
          '[2001:db8::1]:8443',
          '2001:db8::2',
          '例子.测试',
        ]),
    ).not.toThrow();
    for (const bad of [
      '',
      '*',
      '*.com',
      'a.*.example.com',
      '*.203.0.113.7',
      'cdn.example.com:0',
      'cdn.example.com:65536',
      'cdn.example.com/path',
      'https://cdn.example.com',
      'user@cdn.example.com',
      'fe80::1%eth0',
    ]) {
      expect([bad, hostEntryProblem(bad)]).toEqual([bad, expect.any(String)]);
    }
    expect(() => new UrlPolicy(['ok.example.com', 'a b', '*'])).toThrow(/"a b".*; "\*"/);
  });

  it('takes http: and https: only', () => {
    const policy = new UrlPolicy(['cdn.example.com']);
    expect(hostRule(policy, 'https://cdn.example.com/a.jpg')).toBeUndefined();
    expect(hostRule(policy, 'http://cdn.example.com/a.jpg')).toBeUndefined();
    for (const url of ['ftp://cdn.example.com/a.jpg', 'file:///etc/passwd', 'data:,x']) {
      expect([url, hostRule(policy, url)]).toEqual([url, 'url-scheme']);
    }
  });

  it('refuses every host when no host is listed', () => {
    const refusal = new UrlPolicy([]).refuseUrl(new URL('https://cdn.example.com/a.jpg'));
    expect(refusal?.rule).toBe('url-host');
    expect(refusal?.message).toMatch(/nor is any host until urlSources.allowedHosts lists some/);
  });

  it('*.domain takes every subdomain, not the apex nor a look-alike', () => {
    const policy = new UrlPolicy(['*.example.com']);
    expect(hostRule(policy, 'https://a.example.com/')).toBeUndefined();
    expect(hostRule(policy, 'https://a.b.example.com/')).toBeUndefined();
    expect(hostRule(policy, 'https://A.EXAMPLE.com./')).toBeUndefined();
    expect(hostRule(policy, 'https://example.com/')).toBe('url-host');
    expect(hostRule(policy, 'https://badexample.com/')).toBe('url-host');
    expect(hostRule(policy, 'https://example.com.evil.net/')).toBe('url-host');
  });

  it('host:port takes that port only, counting a default port; a bare host any port', () => {
    const policy = new UrlPolicy(['cdn.example.com:443', 'img.example.com']);
    expect(hostRule(policy, 'https://cdn.example.com/')).toBeUndefined();
    expect(hostRule(policy, 'https://cdn.example.com:443/')).toBeUndefined();
    expect(hostRule(policy, 'http://cdn.example.com/')).toBe('url-host'); // port 80
    expect(hostRule(policy, 'https://cdn.example.com:8443/')).toBe('url-host');
    expect(hostRule(policy, 'http://img.example.com:8080/')).toBeUndefined();
  });

  it('matches IP literals in the URL parser’s spelling, never as names or suffixes', () => {
    const policy = new UrlPolicy(['*.example.com', 'cdn.example.com']);
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://[::1]/']) {
      expect([url, hostRule(policy, url)]).toEqual([url, 'url-host']);
    }
    const listed = new UrlPolicy(['127.0.0.1', '[::1]']);
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://[0:0::1]/']) {
      expect([url, hostRule(listed, url)]).toEqual([url, undefined]);
    }
  });

  it('refuses a non-public address unless that very address is listed (for that port)', () => {
    const policy = new UrlPolicy(['cdn.example.com', '127.0.0.1:8080', '10.1.2.3']);
    const url = 'http://cdn.example.com:8080/';
    expect(addressRule(policy, url, '93.184.216.34')).toBeUndefined();
    expect(addressRule(policy, url, '127.0.0.1')).toBeUndefined();
    expect(addressRule(policy, url, '::ffff:127.0.0.1')).toBeUndefined();
    expect(addressRule(policy, 'http://cdn.example.com:9090/', '127.0.0.1')).toBe('loopback');
    expect(addressRule(policy, url, '10.1.2.3')).toBeUndefined();
    expect(addressRule(policy, url, '10.1.2.4')).toBe('private');
    expect(addressRule(policy, url, '169.254.169.254')).toBe('link-local');
    expect(addressRule(policy, url, 'fd00:ec2::254')).toBe('unique-local');
    expect(addressRule(policy, url, '::1')).toBe('loopback');
  });
});

describe('describeUrl and filenameOf', () => {
  it('shows scheme, host, port and path, never credentials, query or fragment', () => {
    const url = new URL('https://ak:sk@cdn.example.com:8443/a/b.jpg?Signature=S&k=K#frag');
    expect(describeUrl(url)).toBe('https://cdn.example.com:8443/a/b.jpg');
  });

  it.each([
    ['https://cdn.example.com/img/%E6%98%A5.jpg?x=1', '春.jpg'],
    ['https://cdn.example.com/a%2Fb.jpg', 'b.jpg'],
    ['https://cdn.example.com/a%5Cb.jpg', 'b.jpg'],
    ['https://cdn.example.com/bad%E6.jpg', 'bad%E6.jpg'],
    ['https://cdn.example.com/dir/', ''],
    ['https://cdn.example.com', ''],
  ])('%s is named %j', (url, name) => {
    expect(filenameOf(new URL(url))).toBe(name);
  });
});
