import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';
import { TEST_CA_FILE, testCa, testServerTls } from '../helpers/test-tls.js';
import { uploadUrl, type WecomAnswer } from '../helpers/wecom-calls.mjs';

/** What a plain node:https client got: the answer, and whether its socket was a kept-alive one. */
interface HttpsAnswer {
  answer: WecomAnswer;
  reusedSocket: boolean;
}

/** A plain node:https call (GET, or POST of `body`), read to its end as WeCom's JSON. */
function call(
  url: string,
  options: RequestOptions,
  body?: { bytes: Buffer; contentType: string },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const headers = body
      ? { 'content-type': body.contentType, 'content-length': body.bytes.length }
      : {};
    const req = request(url, { method: body ? 'POST' : 'GET', headers, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          answer: JSON.parse(Buffer.concat(chunks).toString()) as WecomAnswer,
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    req.end(body?.bytes);
  });
}

describe('WecomEmulator over HTTPS (tls)', () => {
  let emulator: WecomEmulator;
  beforeAll(async () => {
    emulator = await WecomEmulator.start({ tls: testServerTls() });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const gettokenUrl = (): string =>
    `${emulator.url}/cgi-bin/gettoken?${new URLSearchParams({
      corpid: emulator.corpId,
      corpsecret: emulator.corpSecret,
    })}`;

  it('serves https://127.0.0.1: a client trusting the test CA gets a token and uploads a real PNG, on one kept-alive connection', async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: testCa() });
    try {
      const token = await call(gettokenUrl(), { agent });
      expect(token.answer.errcode).toBe(0);
      const png = makePng(800, 600);
      const { body, contentType } = buildMultipart(png, 'photo.png', 'image/png');
      const url = uploadUrl(emulator, token.answer.access_token!, { attachmentType: 2 });
      const upload = await call(url, { agent }, { bytes: body, contentType });
      expect(upload.answer).toMatchObject({ errcode: 0, type: 'image' });
      expect(upload.reusedSocket).toBe(true); // keep-alive, as over HTTP
      const [recorded] = emulator.uploads;
      expect(recorded?.upload).toMatchObject({ filename: 'photo.png', size: png.length });
      expect(recorded?.mediaId).toBe(upload.answer.media_id);
    } finally {
      agent.destroy();
    }
  });

  it('is refused by TLS to a client that does not trust the test CA, and records nothing', async () => {
    const agent = new Agent({ keepAlive: false });
    await expect(call(gettokenUrl(), { agent })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(emulator.requests).toEqual([]);
  });

  it('names 127.0.0.1 and localhost in its certificate', async () => {
    const agent = new Agent({ keepAlive: false, ca: testCa() });
    const viaLocalhost = gettokenUrl().replace('127.0.0.1', 'localhost');
    // localhost may resolve to ::1 first, where the emulator does not listen.
    const { answer } = await call(viaLocalhost, { agent, family: 4 });
    expect(answer.errcode).toBe(0);
  });
});

describe('npx wecom-emulator --tls-key --tls-cert', () => {
  const cli = join(import.meta.dirname, '..', '..', 'dist', 'testing', 'cli.js');
  const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tls');

  it('serves HTTPS with the given key and certificate', async () => {
    const child = spawn(
      process.execPath,
      [
        cli,
        '--port',
        '0',
        '--tls-key',
        join(fixtures, 'server.key'),
        '--tls-cert',
        join(fixtures, 'server.crt'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const url = /(https:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      expect(url).toBeDefined();
      const query = new URLSearchParams({
        corpid: WecomEmulator.DEFAULT_APP.corpId,
        corpsecret: WecomEmulator.DEFAULT_APP.corpSecret,
      });
      const agent = new Agent({ keepAlive: false, ca: testCa() });
      const { answer } = await call(`${url}/cgi-bin/gettoken?${query}`, { agent });
      expect(answer.errcode).toBe(0);
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
    }
  });

  it('refuses a key without its certificate', async () => {
    const child = spawn(process.execPath, [cli, '--tls-key', TEST_CA_FILE], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toContain('--tls-key and --tls-cert go together');
  });
});
