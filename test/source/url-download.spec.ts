import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { AttachmentRuleError, AttachmentSourceError } from '../../lib/errors/index.js';
import { downloadUrl, type UrlDownloadOptions } from '../../lib/source/url-download.js';
import type { TempDirectory } from '../../lib/source/temp-directory.js';
import { UrlPolicy } from '../../lib/source/url-policy.js';
import { testCa } from '../helpers/test-tls.js';
import {
  checkedTempDirectory,
  fakeDns,
  startServer,
  thrown,
  type TestServer,
} from './url-servers.js';

const IMAGE = Buffer.alloc(3000, 7);

describe('downloadUrl: bodies, sizes and failures', () => {
  const box = checkedTempDirectory();
  let server: TestServer;
  const dns = fakeDns({ 'cdn.example.test': ['127.0.0.1'] });

  beforeEach(async () => {
    server ??= await startServer();
    server.requests.length = 0;
  });

  const options = (more: Partial<UrlDownloadOptions> = {}): UrlDownloadOptions => ({
    policy: new UrlPolicy(['cdn.example.test', `127.0.0.1:${server.port}`]),
    timeoutMs: 10_000,
    maxRedirects: 3,
    maxBytes: IMAGE.length,
    temp: box.temp,
    lookup: dns,
    ...more,
  });
  const url = (path = '/%E6%98%A5.jpg'): URL =>
    new URL(`http://cdn.example.test:${server.port}${path}`);
  const sourceError = async (
    more: Partial<UrlDownloadOptions> = {},
    at = url(),
  ): Promise<AttachmentSourceError> => {
    const error = await thrown(downloadUrl(at, options(more)));
    expect(error).toBeInstanceOf(AttachmentSourceError);
    expect(error).toMatchObject({ kind: 'url' });
    return error as AttachmentSourceError;
  };
  /** Answers 200 with the head given, then `body` (none: wait for the client to hang up). */
  const answer = (headers: Record<string, string | number>, body?: (res: ServerResponse) => void) =>
    server.handle((_req, res) => {
      res.writeHead(200, headers);
      res.flushHeaders();
      body?.(res);
    });

  it('downloads to the temp directory, connecting to the checked address as the URL’s host', async () => {
    answer({ 'content-length': IMAGE.length }, (res) => res.end(IMAGE));
    const file = await downloadUrl(url('/%E6%98%A5.jpg?Signature=S&e=1'), options());
    expect(file).toMatchObject({ filename: '春.jpg', bytes: IMAGE.length, exceeded: false });
    expect(file.path.startsWith(await box.temp.path())).toBe(true);
    expect(await readFile(file.path)).toEqual(IMAGE);
    await file.remove();
    const [req] = server.requests;
    expect(req?.url).toBe('/%E6%98%A5.jpg?Signature=S&e=1');
    expect(req?.headers).toMatchObject({
      host: `cdn.example.test:${server.port}`,
      'accept-encoding': 'identity',
    });
  });

  it('sends the credentials in the URL as basic auth', async () => {
    answer({ 'content-length': IMAGE.length }, (res) => res.end(IMAGE));
    const withUser = url();
    withUser.username = 'mirror';
    withUser.password = 'p%40ss';
    await (await downloadUrl(withUser, options())).remove();
    const auth = Buffer.from('mirror:p@ss').toString('base64');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${auth}`);
  });

  it('refuses a Content-Length over maxBytes from the head, reading no body', async () => {
    const hungUp = new Promise<void>((resolve) =>
      // The body would only be sent once the client hung up, so a reader would time out instead.
      answer({ 'content-length': 10_000_000 }, (res) => res.on('close', resolve)),
    );
    const error = await thrown(downloadUrl(url(), options()));
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations).toEqual([
      expect.objectContaining({ rule: 'max-size', limit: IMAGE.length, actual: 10_000_000 }),
    ]);
    await hungUp;
  });

  it('cuts a body without Content-Length at maxBytes (exceeded), and keeps one of maxBytes', async () => {
    answer({ 'transfer-encoding': 'chunked' }, (res) => {
      res.write(IMAGE);
      res.end(Buffer.alloc(10, 1));
    });
    const cut = await downloadUrl(url(), options());
    expect(cut).toMatchObject({ bytes: IMAGE.length, exceeded: true });
    expect(await readFile(cut.path)).toEqual(IMAGE);
    await cut.remove();
    answer({ 'transfer-encoding': 'chunked' }, (res) => res.end(IMAGE));
    const whole = await downloadUrl(url(), options());
    expect(whole).toMatchObject({ bytes: IMAGE.length, exceeded: false });
    await whole.remove();
  });

  it('fails on a body shorter than its Content-Length, keeping no short file', async () => {
    answer({ 'content-length': IMAGE.length }, (res) => {
      res.write(IMAGE.subarray(0, 1000), () => res.destroy());
    });
    expect(await sourceError()).toMatchObject({ reason: 'truncated' });
  });

  it('fails on a chunked body cut before its last chunk', async () => {
    answer({ 'transfer-encoding': 'chunked' }, (res) => {
      res.write(IMAGE.subarray(0, 1000), () => res.destroy());
    });
    expect(await sourceError()).toMatchObject({ reason: 'truncated' });
  });

  it('fails, removing the file, whenever fewer bytes than the Content-Length were kept', async () => {
    answer({ 'content-length': IMAGE.length }, (res) => res.end(IMAGE));
    // Were Node ever to end such a body quietly: a spool that keeps 10 bytes fewer.
    const temp = Object.create(box.temp) as TempDirectory;
    temp.spool = (stream, limit, signal) => box.temp.spool(stream, limit - 10, signal);
    const error = await sourceError({ temp });
    expect(error).toMatchObject({ reason: 'truncated' });
    expect(error.message).toContain(`ended after ${IMAGE.length - 10} of ${IMAGE.length} bytes`);
  });

  it('refuses a compressed body (gzip)', async () => {
    answer({ 'content-encoding': 'gzip', 'content-length': 20 }, (res) =>
      res.end(Buffer.alloc(20)),
    );
    const error = await sourceError();
    expect(error.reason).toBe('encoding');
    expect(error.message).toContain('Content-Encoding gzip');
  });

  it('times out a server that trickles bytes: timeoutMs bounds the whole download', async () => {
    answer({ 'content-length': IMAGE.length }, (res) => {
      // Each byte comes well within the timeout; the whole body would take a minute.
      const timer = setInterval(() => res.write(IMAGE.subarray(0, 1)), 20);
      res.on('close', () => clearInterval(timer));
    });
    const error = await sourceError({ timeoutMs: 300 });
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('300 ms');
  });

  it('stops when the caller’s signal aborts, in the body or before any request, with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    answer({ 'content-length': IMAGE.length }, (res) => res.write(IMAGE.subarray(0, 100)));
    // Aborts once the body is being written to its file, which must then go.
    const temp = Object.create(box.temp) as TempDirectory;
    temp.write = async (...args) => {
      const writing = await box.temp.write(...args);
      controller.abort(reason);
      return writing;
    };
    // The caller's own reason, as for any other source: a client gone, a shutdown.
    expect(await thrown(downloadUrl(url(), options({ signal: controller.signal, temp })))).toBe(
      reason,
    );
    server.requests.length = 0;
    expect(await thrown(downloadUrl(url(), options({ signal: controller.signal })))).toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('fails with the status when the last answer is not 200', async () => {
    for (const status of [404, 206, 500]) {
      server.handle((_req, res) => res.writeHead(status, { 'content-length': 2 }).end('no'));
      const error = await sourceError();
      expect(error.reason).toBe('status');
      expect(error.message).toContain(`HTTP ${status}`);
    }
    server.handle((_req, res) => res.writeHead(302).end());
    expect(await sourceError()).toMatchObject({ reason: 'status' }); // a redirect without Location
  });

  it('fails as unreachable when nothing listens or the name does not resolve', async () => {
    const gone = await startServer();
    await gone.close();
    const policy = new UrlPolicy(['*.example.test', '127.0.0.1']);
    const refused = await sourceError({ policy }, new URL(`http://cdn.example.test:${gone.port}/`));
    expect(refused.reason).toBe('unreachable');
    expect(refused.message).toContain('ECONNREFUSED');
    const unknown = await sourceError({ policy }, new URL('http://nowhere.example.test/'));
    expect(unknown.reason).toBe('unreachable');
    expect(unknown.message).toContain('ENOTFOUND');
  });
});

describe('downloadUrl over HTTPS', () => {
  const box = checkedTempDirectory();
  let tls: TestServer;
  const dns = fakeDns({ localhost: ['127.0.0.1'], 'cdn.example.test': ['127.0.0.1'] });

  beforeEach(async () => {
    tls ??= await startServer(undefined, true);
  });
  const options = (more: Partial<UrlDownloadOptions> = {}): UrlDownloadOptions => ({
    policy: new UrlPolicy(['localhost', 'cdn.example.test', `127.0.0.1:${tls.port}`]),
    timeoutMs: 10_000,
    maxRedirects: 3,
    maxBytes: 1024,
    temp: box.temp,
    lookup: dns,
    ca: [testCa()],
    ...more,
  });
  const reasonOf = async (url: URL, more: Partial<UrlDownloadOptions> = {}) =>
    (await thrown(downloadUrl(url, options(more)))) as AttachmentSourceError;

  it('trusts a CA given in `ca`, checking the certificate against the URL’s host', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const file = await downloadUrl(new URL(`https://${host}:${tls.port}/a.jpg`), options());
      expect(file.bytes).toBeGreaterThan(0);
      await file.remove();
    }
    // Connected to 127.0.0.1 too, but the certificate is not for this name.
    const wrongName = await reasonOf(new URL(`https://cdn.example.test:${tls.port}/a.jpg`));
    expect(wrongName).toMatchObject({ reason: 'unreachable' });
    expect(wrongName.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails without the CA', async () => {
    const error = await reasonOf(new URL(`https://localhost:${tls.port}/a.jpg`), { ca: undefined });
    expect(error).toBeInstanceOf(AttachmentSourceError);
    expect(error.reason).toBe('unreachable');
  });
});
