import type { IncomingMessage, ServerResponse } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttachmentRuleError } from '../../lib/errors/index.js';
import { downloadUrl, type UrlDownloadOptions } from '../../lib/source/url-download.js';
import { UrlPolicy } from '../../lib/source/url-policy.js';
import {
  checkedTempDirectory,
  fakeDns,
  startServer,
  thrown,
  type TestServer,
} from './url-servers.js';

const SECRETS = ['SECRET', 'KEY', 'PASSWORD', 'FRAGMENT', 'LOCATIONSIG'];
const QUERY = '?Signature=SECRET&OSSAccessKeyId=KEY&Expires=1';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Everything an error shows: its message, its string, its stack and its JSON (violations). */
function shown(error: Error): string {
  const violations = error instanceof AttachmentRuleError ? error.violations : [];
  return [
    error.message,
    String(error),
    error.stack,
    JSON.stringify(error),
    JSON.stringify(violations),
  ].join('\n');
}

describe('downloadUrl never shows a signed URL’s secrets', () => {
  const box = checkedTempDirectory();
  let server: TestServer;
  let closedPort = 0;
  const dns = fakeDns({ 'cdn.example.test': ['127.0.0.1'], 'other.example.test': ['127.0.0.1'] });

  beforeAll(async () => {
    server = await startServer();
    const gone = await startServer();
    closedPort = gone.port;
    await gone.close();
  });

  const signed = (port = server.port, path = '/a.jpg'): URL =>
    new URL(`http://user:PASSWORD@cdn.example.test:${port}${path}${QUERY}#FRAGMENT`);
  const redirectTo =
    (location: string): Handler =>
    (_req, res) =>
      res.writeHead(302, { location }).end();
  const head =
    (status: number, headers: Record<string, string | number>): Handler =>
    (_req, res) => {
      res.writeHead(status, headers);
      res.flushHeaders();
    };

  const cases: Array<[string, Handler | undefined, Partial<UrlDownloadOptions>]> = [
    ['a host not listed', undefined, { policy: new UrlPolicy(['img.example.test']) }],
    ['a loopback address', undefined, { policy: new UrlPolicy(['cdn.example.test']) }],
    ['a status', (_req, res) => res.writeHead(403, { 'content-length': 6 }).end('SECRET'), {}],
    ['too many redirects', redirectTo(`/a.jpg?Signature=LOCATIONSIG`), { maxRedirects: 1 }],
    ['a redirect off the list', redirectTo('http://evil.invalid/?Signature=LOCATIONSIG'), {}],
    ['a redirect to another scheme', redirectTo('ftp://cdn.example.test/?s=LOCATIONSIG'), {}],
    ['a Content-Length too large', head(200, { 'content-length': 10_000 }), {}],
    ['a compressed body', head(200, { 'content-encoding': 'gzip', 'content-length': 5 }), {}],
    ['a timeout', head(200, { 'content-length': 5 }), { timeoutMs: 200 }],
    [
      'a cut body',
      (_req, res) => res.writeHead(200, { 'content-length': 5 }).write('x', () => res.destroy()),
      {},
    ],
    ['a closed port', undefined, {}],
  ];

  it.each(cases)('not in the error for %s', async (name, handler, more) => {
    if (handler) server.handle(handler);
    const url = name === 'a closed port' ? signed(closedPort) : signed();
    const error = await thrown(
      downloadUrl(url, {
        policy: new UrlPolicy(['*.example.test', '127.0.0.1']),
        timeoutMs: 10_000,
        maxRedirects: 3,
        maxBytes: 100,
        temp: box.temp,
        lookup: dns,
        ...more,
      }),
    );
    const text = shown(error);
    expect(text).toMatch(/example\.test|evil\.invalid|ftp:/); // it does say where
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
