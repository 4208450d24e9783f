import { connect } from 'node:net';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { multipartFrame } from '../helpers/multipart.mjs';

const png = makePng(20, 20);
const PATH = '/wecom/attachments?media_type=image&attachment_type=1';

/** Sends raw bytes on a socket and resolves with the whole answer (or what came before the close). */
function rawRequest(port: number, chunks: Buffer[], endAfter = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    for (const chunk of chunks) socket.write(chunk);
    if (endAfter) socket.end();
  });
}

/** The first violation's rule name of an error body. */
const ruleOf = (body: unknown): string | undefined =>
  (body as { violations?: Array<{ rule: string }> }).violations?.[0]?.rule;

describe('hostile controller requests end in 400, 413 or 408, and leave nothing on disk', () => {
  const s = emulatorSuite({ http: { receiveTimeoutMs: 500 } });

  it('many parts', async () => {
    let req = supertest(s.http.url).post(PATH);
    for (let i = 0; i < 30; i++) req = req.field(`f${i}`, 'x');
    const res = await req.attach('media', png, 'a.png');
    expect(res.status).toBe(400);
    expect(ruleOf(res.body)).toMatch(/^multipart-(parts|fields)$/);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a huge text field', async () => {
    const res = await supertest(s.http.url)
      .post(PATH)
      .field('note', 'x'.repeat(1024 * 1024))
      .attach('media', png, 'a.png');
    expect(res.status).toBe(413);
    expect(ruleOf(res.body)).toBe('multipart-field-size');
  });

  it('two files and a file under another name', async () => {
    expect(
      (
        await supertest(s.http.url)
          .post(PATH)
          .attach('media', png, 'a.png')
          .attach('media', png, 'b.png')
      ).status,
    ).toBe(400);
    expect((await supertest(s.http.url).post(PATH).attach('other', png, 'a.png')).status).toBe(400);
  });

  it('a truncated multipart body', async () => {
    const frame = multipartFrame('a.png', 'image/png', png.length);
    const body = Buffer.concat([frame.head, png.subarray(0, 40)]); // and no closing boundary
    const { port } = new URL(s.http.url);
    const answer = await rawRequest(Number(port), [
      Buffer.from(
        `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: ${frame.contentType}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a multipart body without a boundary', async () => {
    const res = await supertest(s.http.url)
      .post(PATH)
      .set('content-type', 'multipart/form-data')
      .send('garbage');
    expect(res.status).toBe(400);
    expect(ruleOf(res.body)).toBe('multipart-malformed');
  });

  it('a client that trickles bytes gets 408 within the receive timeout', async () => {
    const frame = multipartFrame('a.png', 'image/png', 1_000_000);
    const { port } = new URL(s.http.url);
    const answer = await rawRequest(
      Number(port),
      [
        Buffer.from(
          `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: ${frame.contentType}\r\nContent-Length: ${frame.length}\r\n\r\n`,
        ),
        frame.head,
        png.subarray(0, 10), // then nothing more: the rest never comes
      ],
      false,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('the upload did not arrive within 500 ms');
    expect(s.emulator.uploads).toHaveLength(0);
  });
});

describe('a receive timeout that races multer: one answer, never a crash', () => {
  // 1 ms: the timeout fires while multer is still answering a broken body, or just after.
  const s = emulatorSuite({ http: { receiveTimeoutMs: 1 } });

  it('answers every request once (400 or 408), and keeps serving', async () => {
    const frame = multipartFrame('a.png', 'image/png', png.length);
    const broken = Buffer.concat([frame.head, png.subarray(0, 40)]);
    const { port } = new URL(s.http.url);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        rawRequest(Number(port), [
          Buffer.from(
            `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: ${frame.contentType}\r\nContent-Length: ${broken.length}\r\nConnection: close\r\n\r\n`,
          ),
          broken,
        ]),
      ),
    );
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 (400|408) /);
    // The process is alive and answers the next request.
    const next = await supertest(s.http.url).post(PATH).attach('media', png, 'a.png');
    expect([201, 408]).toContain(next.status);
  });
});
