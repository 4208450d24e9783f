// An HTTP app that receives uploads and passes them on to the emulator, for the controller rows:
//   module      the module's controller (disk spooling, rules, AttachmentService)
//   module-fit  the same with `fit: true`, for the fit bench's memory figure
//   naive   an Express route with multer memory storage, form-data and axios
//   bare    a reference, not a target: the least a spooling proxy must do — node:http, busboy,
//           the file written to disk, then streamed on to the emulator with node:http
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { Agent, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import express from 'express';
import FormData from 'form-data';
import multer from 'multer';
import { multipartFrame, postFile } from '../test/helpers/multipart.mjs';
import { fetchToken, uploadUrl } from '../test/helpers/wecom-calls.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';
import { serve } from './ipc.mjs';

/**
 * What the server process takes: `reset-peak` (resets the peak to the idle RSS after a GC) and
 * `peak`.
 * @typedef {{ cmd: 'reset-peak' | 'peak' }} ServerCommand
 */

/**
 * The answer to `reset-peak`: the RSS after a GC, now the peak.
 * @typedef {{ idle: number }} IdleAnswer
 */

/**
 * The answer to `peak`: the highest RSS since `reset-peak`.
 * @typedef {{ peak: number }} PeakAnswer
 */

/**
 * The first message of the server process.
 * @typedef {object} ServerHello
 * @property {string} url Where to POST uploads (with their media_type and attachment_type).
 */

const [kind, configJson] = process.argv.slice(2);
if (!configJson) throw new Error('usage: upload-server.mjs <kind> <the emulator process hello>');
const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (
  JSON.parse(configJson)
);
let peak = 0;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5).unref();

/**
 * The port a server listening on TCP is bound to.
 * @param {import('node:net').Server} server
 * @returns {number}
 */
function portOf(server) {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server is not on TCP');
  return address.port;
}

/** @type {string} */
let url;
if (kind === 'module-fit' && process.env.BENCH_SHARP_CACHE === 'off') {
  // What the README advises a service that fits: libvips's operation cache holds decoded images.
  (await import('sharp')).default.cache(false);
}
if (kind === 'module' || kind === 'module-fit') {
  const app = await NestFactory.create(
    wecomRootModule(wecom, {
      controller: { path: 'upload', guards: [] },
      ...(kind === 'module-fit' ? { fit: true } : {}),
    }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  url = `${await app.getUrl()}/upload`;
} else if (kind === 'bare') {
  url = await bareProxy(await fetchToken(wecom));
} else {
  const token = await fetchToken(wecom); // cached in a variable, as such code does
  const app = express();
  app.post(
    '/upload',
    multer({ storage: multer.memoryStorage() }).single('media'),
    async (req, res) => {
      try {
        if (!req.file) throw new Error('no file in the media field');
        const form = new FormData();
        form.append('media', req.file.buffer, {
          filename: req.file.originalname,
          contentType: req.file.mimetype,
        });
        const { data: answer } = await axios.post(
          `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${token}&media_type=${req.query.media_type}&attachment_type=${req.query.attachment_type}`,
          form,
          { headers: form.getHeaders(), maxBodyLength: Infinity },
        );
        res.status(201).json(answer);
      } catch (error) {
        res.status(502).json({ message: String(error) });
      }
    },
  );
  /** @type {import('node:http').Server} */
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${portOf(server)}/upload`;
}

/**
 * node:http + busboy + a temp file + node:http: receive, spool, forward, answer.
 * @param {string} token
 * @returns {Promise<string>} The URL to POST uploads to.
 */
async function bareProxy(token) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  const server = createServer((req, res) => {
    const parser = busboy({ headers: req.headers, limits: { files: 1 } });
    /** @type {Promise<{ path: string, info: import('busboy').FileInfo }> | undefined} */
    let spooled;
    parser.on('file', (_name, stream, info) => {
      const path = join(dir, String(next++));
      spooled = pipeline(stream, createWriteStream(path)).then(() => ({ path, info }));
    });
    parser.on('close', async () => {
      if (!spooled) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: 'no file' }));
        return;
      }
      const { path, info } = await spooled;
      const size = (await stat(path)).size;
      try {
        // A kept-alive socket the emulator has just closed fails at once: retry on a fresh one.
        const answer = await forward(path, info, size, agent).catch(() =>
          forward(path, info, size, false),
        );
        res.writeHead(201, { 'content-type': 'application/json' }).end(answer);
      } catch (error) {
        res
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: String(error) }));
      } finally {
        await rm(path, { force: true });
      }
    });
    req.pipe(parser);
  });
  /**
   * Streams the spooled file to the emulator; resolves with its answer.
   * @param {string} path
   * @param {import('busboy').FileInfo} info
   * @param {number} size
   * @param {Agent | false} via
   * @returns {Promise<string>}
   */
  async function forward(path, info, size, via) {
    const upload = uploadUrl(wecom, token, { attachmentType: 2 });
    const frame = multipartFrame(info.filename ?? 'upload', info.mimeType, size);
    return (await postFile(upload, path, frame, via)).text;
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return `http://127.0.0.1:${portOf(server)}/upload`;
}

/** @type {ServerHello} */
const hello = { url };
serve(
  /**
   * @param {ServerCommand} message
   * @returns {IdleAnswer | PeakAnswer}
   */
  ({ cmd }) => {
    if (cmd === 'reset-peak') {
      globalThis.gc?.();
      const idle = process.memoryUsage.rss();
      peak = idle;
      return { idle };
    }
    if (cmd === 'peak') return { peak };
    throw new Error(`unknown command ${cmd}`);
  },
  hello,
);
