import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Controller, Module, Post, UseFilters } from '@nestjs/common';
import supertest from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentService,
  AttachmentSourceError,
  AttachmentType,
  MediaType,
  WecomErrorFilter,
  WecomMediaModule,
  type AttachmentInput,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { freePort } from '../helpers/redis-server.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';
import { bootRootApp, emulatorSuite, type HttpTestApp } from '../helpers/wecom-test-app.js';

// Hostile review #3: an objectMode Readable crashed the process; now a chunk that is not bytes
// fails the spool (AttachmentSourceError, stream / not-bytes), and Readable.from([buffer]) still
// works. #12: the caller's source failures were raw Node errors; now AttachmentSourceError with a
// kind and a reason, and WecomErrorFilter answers per kind without quoting the path or the URL.

const png = makePng(48, 48);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;
const scratch = scratchDir();

/** Every file under `dir`, however deep (the module's spool folder included). */
const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name);

/** A stream that gives `chunks`, then fails as a socket does. */
function failingStream(): Readable {
  return new Readable({
    read() {
      this.push(png.subarray(0, 10));
      this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    },
  });
}

describe('a stream whose chunks are not bytes (#3)', () => {
  let tempDir = '';
  beforeAll(async () => {
    tempDir = join(scratch.path, 'not-bytes');
    await mkdir(tempDir);
  });
  const s = emulatorSuite({ app: () => ({ tempDir }) });

  it.each([
    ['objects', () => Readable.from([{ not: 'bytes' }])],
    ['strings, in object mode', () => Readable.from(['text, not bytes'])],
    ['numbers', () => Readable.from([1, 2, 3])],
    ['bytes, then an object', () => Readable.from([png.subarray(0, 20), { and: 'this' }])],
  ])(
    '%s: AttachmentSourceError (stream, not-bytes), nothing sent, no file left',
    async (_what, stream) => {
      const error = await s.app.service
        .upload({ ...image, file: stream(), filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentSourceError);
      expect(error).toMatchObject({ kind: 'stream', reason: 'not-bytes' });
      expect(s.emulator.uploads).toHaveLength(0);
    },
  );

  it('Readable.from([buffer]) (object mode, Buffer chunks) uploads, byte for byte', async () => {
    const halves = [png.subarray(0, 100), new Uint8Array(png.subarray(100))];
    const result = await s.app.service.upload({
      ...image,
      file: Readable.from(halves),
      filename: 'a.png',
    });
    expect(result.mediaId).toBe(s.emulator.uploads[0]?.mediaId);
    expect(s.emulator.uploads[0]?.upload?.size).toBe(png.length);
    expect(await filesUnder(tempDir)).toEqual([]);
  });
});

describe("the caller's source failures are typed (#12)", () => {
  const s = emulatorSuite({ app: false });

  const cases: Array<[string, () => Promise<AttachmentInput['file']>, object]> = [
    [
      'a missing path',
      async () => join(scratch.path, 'missing.png'),
      { kind: 'path', reason: 'not-found' },
    ],
    ['a directory', async () => scratch.path, { kind: 'path', reason: 'not-a-file' }],
    [
      '{ path } of a directory',
      async () => ({ path: scratch.path }),
      { kind: 'path', reason: 'not-a-file' },
    ],
    [
      'a multer file whose path is gone',
      async () => ({ originalname: 'a.png', path: join(scratch.path, 'gone') }),
      { kind: 'multer', reason: 'not-found' },
    ],
    [
      'a stream that errors',
      async () => failingStream(),
      { kind: 'stream', reason: 'stream-error' },
    ],
    [
      'a URL that is down',
      async () => new URL(`http://127.0.0.1:${await freePort()}/a.png?Signature=SECRETQUERY`),
      { kind: 'url', reason: 'unreachable' },
    ],
  ];
  it.each(cases)('%s', async (_what, source, expected) => {
    const file = await source();
    const host = file instanceof URL ? file.host : '127.0.0.1:1';
    const t = await bootRootApp({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
          warmUp: false,
          urlSources: { allowedHosts: [host] },
        }),
      ],
    });
    try {
      const error = await t.service
        .upload({ ...image, file, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentSourceError);
      expect(error).toMatchObject(expected);
      expect((error as Error).message).not.toContain('SECRETQUERY');
      expect(s.emulator.requests).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

/** What the next request of the own controller uploads. */
let nextSource: () => AttachmentInput['file'] = () => png;

@Controller('sources')
@UseFilters(WecomErrorFilter)
class SourcesController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  async upload() {
    const { mediaId } = await this.attachments.upload({
      ...image,
      file: nextSource(),
      filename: 'a.png',
    });
    return { mediaId };
  }
}

describe('an own controller with WecomErrorFilter answers per kind (#12)', () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;
  let downUrl: URL;
  beforeAll(async () => {
    downUrl = new URL(`http://127.0.0.1:${await freePort()}/photos/a.png?Signature=SECRETQUERY`);
  });
  afterEach(() => app?.close());

  async function start(): Promise<void> {
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
          warmUp: false,
          urlSources: { allowedHosts: [downUrl.host] },
        }),
      ],
      controllers: [SourcesController],
    })
    class SourcesModule {}
    app = await bootRootApp({ imports: [SourcesModule] }, { listen: true });
  }

  it.each([
    [
      'a missing path: 500, the app’s own',
      () => join(scratch.path, 'secret-dir', 'missing.png'),
      500,
      'path',
    ],
    ['a directory: 500', () => scratch.path, 500, 'path'],
    ['a stream that errors: 400, the client’s', () => failingStream(), 400, 'stream'],
    ['a stream of objects: 400', () => Readable.from([{ not: 'bytes' }]), 400, 'stream'],
    ['a URL that is down: 502, an upstream’s', () => downUrl, 502, 'URL'],
  ] as const)('%s', async (_what, source, status, named) => {
    await start();
    nextSource = source;
    const res = await supertest(app.url).post('/sources');
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      statusCode: status,
      message: `the ${named} given as the file could not be read: check it and try again`,
    });
    expect(res.text).not.toContain(scratch.path);
    expect(res.text).not.toContain('SECRETQUERY');
    expect(res.text).not.toContain(downUrl.host);
    expect(app.logs.text).not.toContain('SECRETQUERY');
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a good source still uploads through the same controller', async () => {
    await start();
    nextSource = () => Readable.from([png]);
    const res = await supertest(app.url).post('/sources');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ mediaId: s.emulator.uploads[0]?.mediaId });
  });
});
